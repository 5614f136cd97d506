// SPDX-License-Identifier: Apache-2.0

/// The inbox's stylesheet (`/_emulator/ui/app.css`).
enum InboxStyle {
    static let source = #"""
        :root { --fg: #1d2330; --muted: #6b7385; --line: #e3e6ec; --bg: #f6f7f9; --accent: #2458d6;
          --bad: #b3261e; --good: #1f7a3a; --warn: #9a6700; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { margin: 0; background: var(--bg); }
        a { color: var(--accent); }
        code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
        pre { white-space: pre-wrap; word-break: break-word; background: #fff; border: 1px solid var(--line);
          padding: 8px; margin: 0; max-height: 420px; overflow: auto; }
        button { font: inherit; padding: 3px 10px; border: 1px solid #c5cad5; background: #fff; border-radius: 4px;
          cursor: pointer; }
        button:hover { border-color: var(--accent); }
        button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
        button.linkish { border: none; background: none; color: var(--accent); padding: 0 4px; }
        input, select { font: inherit; padding: 3px 6px; border: 1px solid #c5cad5; border-radius: 4px; }
        .top { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #fff;
          border-bottom: 1px solid var(--line); flex-wrap: wrap; position: sticky; top: 0; z-index: 2; }
        .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
        nav { display: flex; gap: 12px; }
        nav a { text-decoration: none; color: var(--muted); padding: 2px 0; }
        nav a.active { color: var(--fg); border-bottom: 2px solid var(--accent); }
        .clock { margin-left: auto; display: flex; gap: 4px; align-items: center; }
        .clock span { font-variant-numeric: tabular-nums; margin-right: 6px; }
        .live { font-size: 12px; color: var(--muted); }
        .live.on { color: var(--good); }
        .login { display: flex; gap: 8px; align-items: center; padding: 10px 16px; background: #fff8e1;
          border-bottom: 1px solid var(--line); }
        .error { padding: 8px 16px; background: #fdecea; color: var(--bad); border-bottom: 1px solid var(--line); }
        main { padding: 16px; max-width: 1400px; margin: 0 auto; }
        .filters { display: flex; gap: 8px; align-items: center; margin-bottom: 10px; flex-wrap: wrap; }
        table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
        th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-weight: 600; color: var(--muted); font-size: 12px; background: #fafbfc; }
        tr.msg { cursor: pointer; }
        tr.msg:hover { background: #f0f4ff; }
        td.subject { max-width: 420px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .muted { color: var(--muted); }
        .pager { display: flex; gap: 8px; align-items: center; margin-top: 10px; }
        .tag { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; background: #eef1f6; }
        .tag.flowmailer { background: #e6f0ff; } .tag.postflare { background: #fff0e0; } .tag.flowdock { background: #e8f7ec; }
        .status { font-weight: 600; }
        .status.bad { color: var(--bad); } .status.good { color: var(--good); } .status.warn { color: var(--warn); }
        .grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); gap: 16px; }
        .card { background: #fff; border: 1px solid var(--line); padding: 12px; margin-bottom: 16px; }
        .card h3 { margin: 0 0 8px; font-size: 14px; }
        dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
        dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; word-break: break-word; }
        iframe.body { width: 100%; height: 480px; border: 1px solid var(--line); background: #fff; }
        ol.timeline { list-style: none; padding: 0; margin: 0; border-left: 2px solid var(--line); }
        ol.timeline li { padding: 2px 0 8px 12px; position: relative; }
        ol.timeline li::before { content: ""; position: absolute; left: -6px; top: 7px; width: 10px; height: 10px;
          border-radius: 5px; background: var(--accent); }
        details.row { background: #fff; border: 1px solid var(--line); margin-bottom: 6px; }
        details.row > summary { padding: 6px 10px; cursor: pointer; display: flex; gap: 12px; align-items: center;
          flex-wrap: wrap; }
        details.row > div { padding: 8px 10px; border-top: 1px solid var(--line); }
        .spacer { flex: 1; }
        form.fault { display: flex; gap: 8px; flex-wrap: wrap; align-items: end; }
        form.fault label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
        """#
}
