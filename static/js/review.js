// The review page's PDF previews: pdf.js (vendored from npm, static/vendor/pdfjs) draws each
// page into a canvas, so no browser PDF plugin ever opens an evidence file. The bytes come
// from the permission-checked download view of the same origin; no eval (CSP), no network
// beyond it.
const root = document.querySelector("[data-pdfjs]");
const boxes = root ? root.querySelectorAll("[data-pdf]") : [];

async function show(pdfjs, box) {
  const canvas = box.querySelector("canvas");
  const status = box.querySelector(".kla-pdf-status");
  const nav = box.querySelector(".kla-pdf-nav");
  const label = box.querySelector(".kla-pdf-page");
  try {
    const response = await fetch(box.dataset.pdf, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    const data = new Uint8Array(await response.arrayBuffer());
    const doc = await pdfjs.getDocument({ data, isEvalSupported: false }).promise;
    let number = 1;
    const draw = async () => {
      const page = await doc.getPage(number);
      const width = Math.min(box.clientWidth || 640, 900);
      const base = page.getViewport({ scale: 1 });
      const ratio = window.devicePixelRatio || 1;
      const viewport = page.getViewport({ scale: (width / base.width) * ratio });
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.classList.add("kla-pdf-ready");
      await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
      label.textContent = `${root.dataset.pageLabel} ${number} / ${doc.numPages}`;
      box.dataset.rendered = String(number);
      box.dataset.pages = String(doc.numPages);
    };
    await draw();
    status.hidden = true;
    if (doc.numPages > 1) {
      nav.hidden = false;
      nav.addEventListener("click", async (event) => {
        const step = Number(event.target.dataset.step || 0);
        if (!step || number + step < 1 || number + step > doc.numPages) return;
        number += step;
        await draw();
      });
    }
  } catch (error) {
    status.textContent = root.dataset.failed;
    box.dataset.failed = "1";
  }
}

if (boxes.length) {
  const pdfjs = await import(root.dataset.pdfjs);
  pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.pdfjsWorker;
  for (const box of boxes) show(pdfjs, box);
}
