/**
 * The console's stylesheet and script, shipped as strings and served from the console's own asset
 * routes (no CDN, no build step for users). The CSP allows scripts and styles from 'self' only.
 */

/** The stylesheet. */
export const CONSOLE_CSS: string = `
:root{--ink:#1d2330;--muted:#5d6677;--line:#d9dde5;--bg:#f4f6f9;--card:#fff;--brand:#0b5cad;--ok:#17794a;--ok-bg:#e5f5ec;
--bad:#b3261e;--bad-bg:#fdeceb;--warn:#8a5a00;--warn-bg:#fff4d6;--info-bg:#e8f0fb;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC",sans-serif}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--ink);font-size:15px;line-height:1.45}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem;padding:.6rem 1.5rem;background:var(--brand);color:#fff}
header.top a{color:#fff;text-decoration:none}.brand{font-weight:700;font-size:1.05rem}
nav.main{display:flex;gap:.25rem;flex-wrap:wrap}nav.main a{padding:.3rem .6rem;border-radius:6px}
nav.main a[aria-current]{background:rgba(255,255,255,.2)}nav.main a:hover{background:rgba(255,255,255,.12)}
.logout{margin-left:auto;display:flex;gap:.5rem;align-items:center;font-size:.9rem}
.lang{display:flex;gap:.5rem;font-size:.85rem}.lang a{opacity:.8}.lang a[aria-current]{opacity:1;font-weight:700;text-decoration:underline}
main{max-width:1100px;margin:0 auto;padding:1.2rem 1.5rem 3rem}h1{font-size:1.5rem;margin:.4rem 0 1rem}h2{font-size:1.1rem;margin:1.6rem 0 .6rem}
footer{text-align:center;color:var(--muted);font-size:.8rem;padding:1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem 1.2rem;margin:0 0 1rem}.card h2{margin-top:0}
.muted{color:var(--muted)}label{display:block;font-weight:600;margin:.2rem 0 .8rem}
input,select,textarea{display:block;width:100%;margin-top:.3rem;padding:.5rem .6rem;border:1px solid #b9c0cc;border-radius:6px;font:inherit;background:#fff}
textarea{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
button,.button{display:inline-block;padding:.5rem 1rem;border:0;border-radius:6px;background:var(--brand);color:#fff;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#e4e9f1;color:var(--ink)}button.danger{background:var(--bad)}
button.link{background:none;color:#fff;text-decoration:underline;padding:0;font-weight:400}
.login{max-width:380px}.search{display:flex;gap:.6rem;align-items:center}.search select{width:auto;margin:0}.search input{margin:0;flex:1}
.buttons{display:flex;gap:.6rem;flex-wrap:wrap;margin:.8rem 0 0}
form.inline{display:flex;gap:.6rem;align-items:end;flex-wrap:wrap;margin:.4rem 0}form.inline label{margin:0;flex:1;min-width:200px}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:10px;overflow:hidden;margin-bottom:1rem}
th,td{text-align:left;padding:.45rem .7rem;border-bottom:1px solid var(--line);vertical-align:top}td.when,td.nowrap{white-space:nowrap}td.target{overflow-wrap:anywhere;min-width:12rem}th{background:#eef1f6;font-size:.85rem}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}tr:last-child td{border-bottom:0}
tr.differs td,tr.differs th{background:var(--warn-bg);color:var(--warn);font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.2rem;margin:0}dt{color:var(--muted)}dd{margin:0;font-weight:600}
.status{display:inline-block;padding:.05rem .5rem;border-radius:99px;font-size:.85rem;font-weight:600;background:#e4e9f1}
.status-paid{background:var(--ok-bg);color:var(--ok)}.status-pending{background:var(--info-bg);color:var(--brand)}
.status-review,.status-refund_required{background:var(--warn-bg);color:var(--warn)}.status-cancelled,.status-expired,.status-failed{background:#eceef2;color:var(--muted)}
.severity-critical{background:var(--bad-bg);color:var(--bad)}.severity-warning{background:var(--warn-bg);color:var(--warn)}
.notice{padding:.7rem 1rem;border-radius:8px;margin:0 0 1rem;border:1px solid transparent}
.notice-error{background:var(--bad-bg);color:var(--bad);border-color:#f3c4c0}.notice-ok{background:var(--ok-bg);color:var(--ok);border-color:#bfe3cf}
.notice-info{background:var(--info-bg);color:var(--brand)}
.verdict{border-width:2px}.verdict-title{font-size:1.6rem;font-weight:800;margin:0 0 .3rem;letter-spacing:.02em}
.verdict-genuine{border-color:var(--ok)}.verdict-genuine .verdict-title{color:var(--ok)}
.verdict-not_genuine{border-color:var(--bad)}.verdict-not_genuine .verdict-title{color:var(--bad)}
.verdict-not_payable{border-color:var(--warn)}.verdict-not_payable .verdict-title{color:var(--warn)}
.verdict-reason{font-size:1.05rem;margin:0 0 .8rem}.scan{margin:.4rem 0 1rem}.scan video{display:block;max-width:320px;margin-top:.6rem;border-radius:8px}
.scan video[hidden]{display:none}.scan-message{color:var(--muted);margin:.4rem 0 0}
tr.outcome-refused td,tr.outcome-failed td{color:var(--bad)}ul.reasons{padding-left:1.2rem}code{font-size:.85rem}
@media (max-width:640px){.search{flex-direction:column;align-items:stretch}.logout{margin-left:0}table{font-size:.85rem}}
`;

/**
 * The script: a confirmation before destructive forms, and QR scanning with the device camera where
 * the browser has `BarcodeDetector` (a plain message where it does not). Everything else works without it.
 */
export const CONSOLE_JS: string = `(() => {
  'use strict';
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => { if (!window.confirm(form.dataset.confirm)) event.preventDefault(); });
  }
  const box = document.querySelector('.scan');
  const button = document.getElementById('scan-qr');
  if (!box || !button) return;
  const message = box.querySelector('.scan-message');
  const video = document.getElementById('scan-video');
  const say = (text) => { message.textContent = text; };
  button.addEventListener('click', async () => {
    if (!('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(box.dataset.unsupported);
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    } catch {
      say(box.dataset.denied);
      return;
    }
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    say(box.dataset.scanning);
    const stop = () => { for (const track of stream.getTracks()) track.stop(); video.hidden = true; };
    const tick = async () => {
      try {
        const found = await detector.detect(video);
        const value = found.length > 0 ? found[0].rawValue : '';
        if (value) {
          stop();
          const field = document.querySelector('textarea[name="token"]');
          field.value = value;
          field.form.requestSubmit();
          return;
        }
      } catch {}
      requestAnimationFrame(tick);
    };
    tick();
  });
})();
`;
