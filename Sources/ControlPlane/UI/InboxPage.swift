// SPDX-License-Identifier: Apache-2.0

/// The inbox's HTML shell: static markup only (no data, no inline script or style); `app.js` fills it.
/// `{{v}}` is replaced by the assets' hash.
enum InboxPage {
    static let source = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>MailDouble inbox</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/_emulator/ui/app.css?v={{v}}">
        <script src="/_emulator/ui/app.js?v={{v}}" defer></script>
        </head>
        <body>
        <header class="top">
          <a class="brand" href="#/">MailDouble</a>
          <nav>
            <a href="#/" data-nav="inbox">Inbox</a>
            <a href="#/webhooks" data-nav="webhooks">Webhooks</a>
            <a href="#/requests" data-nav="requests">Requests</a>
            <a href="#/faults" data-nav="faults">Faults</a>
            <a href="#/system" data-nav="system">Clock &amp; reset</a>
          </nav>
          <div class="clock" id="clock">
            <span title="Emulator time (UTC)" id="clock-now">–</span>
            <button type="button" data-advance="10">+10 s</button>
            <button type="button" data-advance="60">+1 min</button>
            <button type="button" data-advance="3600">+1 h</button>
            <button type="button" data-advance="86400">+1 day</button>
          </div>
          <span class="live" id="live" title="Live updates from /_emulator/events">offline</span>
          <button type="button" id="token-button" class="linkish">Token</button>
        </header>
        <form id="login" class="login" hidden>
          <label>Control token (<code>--control-token</code>)
            <input id="token-input" type="password" autocomplete="off" spellcheck="false">
          </label>
          <button type="submit">Use token</button>
          <span id="login-message" class="muted"></span>
        </form>
        <div id="error" class="error" role="alert" hidden></div>
        <main id="view"></main>
        </body>
        </html>
        """#
}
