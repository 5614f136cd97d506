#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Makes the same development CA and server certificate that MailDouble generates in-process on first start,
# with the openssl CLI, for people who prefer to make (or inspect) them by hand.
#
#   certs/make-dev-certs.sh [STATE_DIR]        default: ./.maildouble
#
# Environment: DNS_NAMES and IP_ADDRESSES (space-separated) override the server certificate's names.
# An existing CA (ca.pem + ca-key.pem) is kept, so clients that already trust it keep working; the server
# certificate is always re-issued. MailDouble reuses these files as long as the names match its own list.
set -euo pipefail

state_dir=${1:-./.maildouble}
dns_names=${DNS_NAMES:-localhost api.flowmailer.net login.flowmailer.net api.postflare.app api.resend.com api.flowdock.com stream.flowdock.com}
ip_addresses=${IP_ADDRESSES:-127.0.0.1 ::1}

command -v openssl >/dev/null || { echo "openssl not found (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$state_dir"
chmod 700 "$state_dir"
umask 077   # private keys end up 0600

# 16 random bytes with the top bit cleared: a positive serial of at most 16 octets (RFC 5280 4.1.2.2).
random_serial() {
    local hex
    hex=$(openssl rand -hex 16)
    printf '0x%x%s' $(( 0x${hex:0:1} & 7 )) "${hex:1}"
}

san=""
for name in $dns_names; do san+="${san:+,}DNS:$name"; done
for ip in $ip_addresses; do san+="${san:+,}IP:$ip"; done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/openssl.cnf" <<CONF
[req]
distinguished_name = dn
prompt = no
[dn]
[ca_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $san
CONF

cd "$state_dir"
if [[ -s ca.pem && -s ca-key.pem ]]; then
    echo "keeping existing CA $state_dir/ca.pem"
else
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca-key.pem
    openssl req -x509 -new -key ca-key.pem -sha256 -days 3650 -set_serial "$(random_serial)" \
        -subj "/O=MailDouble/CN=MailDouble Development CA" \
        -config "$work/openssl.cnf" -extensions ca_ext -out ca.pem
    echo "created CA $state_dir/ca.pem"
fi

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/server-key.pem"
openssl req -new -key "$work/server-key.pem" -subj "/CN=localhost" -config "$work/openssl.cnf" -out "$work/server.csr"
openssl x509 -req -in "$work/server.csr" -CA ca.pem -CAkey ca-key.pem -set_serial "$(random_serial)" \
    -days 397 -sha256 -extfile "$work/openssl.cnf" -extensions server_ext -out "$work/leaf.pem" 2>/dev/null
cat "$work/leaf.pem" ca.pem > "$work/server.pem"
mv "$work/server-key.pem" server-key.pem
mv "$work/server.pem" server.pem
chmod 644 ca.pem server.pem

openssl verify -x509_strict -purpose sslserver -CAfile ca.pem server.pem
echo "server certificate $state_dir/server.pem for: $san"
