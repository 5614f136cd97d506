// SPDX-License-Identifier: Apache-2.0
// Placeholder until the module's tests land.
