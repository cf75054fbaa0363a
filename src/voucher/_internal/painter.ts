/**
 * Writes a page's content stream directly as PDF operator text (one string, compressed once),
 * instead of pdf-lib's per-operator objects: text, rectangles, circles, lines, images and Form
 * XObjects, with redundant colour/font/spacing operators skipped. Resources get short names
 * (`F1`, `X1`, `G1`).
 */
import { type Color, ColorTypes, type PDFDocument, type PDFImage, PDFName, type PDFPage, type PDFRef } from 'pdf-lib';
import { encodeWinAnsi, type Face, literal } from './fonts.js';

/** A page being painted; all coordinates in PDF points from the bottom-left corner. */
export interface Painter {
  readonly doc: PDFDocument;
  /** Append raw operators (a newline is added). */
  raw(ops: string): void;
  /** One line of text with its baseline at `y`. */
  text(text: string, x: number, y: number, font: Face, size: number, color: Color, spacing?: number): void;
  /**
   * One line of text rotated `angle` degrees counter-clockwise about its start `(x, y)`, with fill
   * opacity `alpha`; self-contained (`q … Q`), so it leaves the painter's colour and font state alone.
   */
  rotatedText(
    text: string,
    x: number,
    y: number,
    font: Face,
    size: number,
    color: Color,
    angle: number,
    alpha: number,
  ): void;
  /** A rectangle, filled and/or stroked (0.75 pt) at its edges. */
  rect(x: number, y: number, width: number, height: number, fill?: Color, border?: Color): void;
  /** A filled circle. */
  circle(cx: number, cy: number, radius: number, fill: Color): void;
  /** A straight line. */
  line(x1: number, y1: number, x2: number, y2: number, width: number, color: Color, dash?: readonly number[]): void;
  /** An image stretched over a box. */
  image(image: PDFImage, x: number, y: number, width: number, height: number): void;
  /** Run `ops` (self-contained: they may change colours) with the matrix `[a b c d e f]`. */
  inline(ops: string, matrix: readonly number[]): void;
  /** Draw the Form XObject `ref` with the matrix `[a b c d e f]`. */
  place(ref: PDFRef, matrix: readonly number[]): void;
  /** The resource name of an ExtGState with fill opacity `alpha`. */
  opacity(alpha: number): string;
  /** Attach the content stream and the resources to `page`. */
  finish(page: PDFPage): void;
}

/** A number as PDF operator text: at most 3 decimals, never exponent notation. */
export function num(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

/** The fill (`rg`) or stroke (`RG`) operator of a colour. */
export function colorOps(color: Color, stroke: boolean): string {
  if (color.type === ColorTypes.Grayscale) return `${num(color.gray)} ${stroke ? 'G' : 'g'}`;
  if (color.type === ColorTypes.RGB)
    return `${num(color.red)} ${num(color.green)} ${num(color.blue)} ${stroke ? 'RG' : 'rg'}`;
  return `${num(color.cyan)} ${num(color.magenta)} ${num(color.yellow)} ${num(color.key)} ${stroke ? 'K' : 'k'}`;
}

// Cubic Bézier control distance for a quarter circle.
const KAPPA = 0.5522847498;

/** Start painting a page of `doc`. */
export function createPainter(doc: PDFDocument): Painter {
  let ops = '';
  const fonts = new Map<string, string>();
  const xobjects = new Map<PDFRef, string>();
  const states = new Map<number, string>();
  let fill = '';
  let stroke = '';
  let font = '';
  let charSpacing = 0;
  const setFill = (color: Color): void => {
    const op = colorOps(color, false);
    if (op !== fill) ops += `${op}\n`;
    fill = op;
  };
  const setStroke = (color: Color): void => {
    const op = colorOps(color, true);
    if (op !== stroke) ops += `${op}\n`;
    stroke = op;
  };
  const fontName = (face: Face): string => {
    let name = fonts.get(face.name);
    if (!name) {
      name = `F${fonts.size + 1}`;
      fonts.set(face.name, name);
    }
    return name;
  };
  const stateName = (alpha: number): string => {
    let name = states.get(alpha);
    if (!name) {
      name = `G${states.size + 1}`;
      states.set(alpha, name);
    }
    return name;
  };
  const xobject = (ref: PDFRef): string => {
    let name = xobjects.get(ref);
    if (!name) {
      name = `X${xobjects.size + 1}`;
      xobjects.set(ref, name);
    }
    return name;
  };
  return {
    doc,
    raw(text) {
      ops += `${text}\n`;
    },
    text(text, x, y, face, size, color, spacing = 0) {
      setFill(color);
      const tf = `/${fontName(face)} ${num(size)} Tf`;
      let head = 'BT';
      if (tf !== font) head += ` ${tf}`;
      if (spacing !== charSpacing) head += ` ${num(spacing)} Tc`;
      font = tf;
      charSpacing = spacing;
      ops += `${head} ${num(x)} ${num(y)} Td ${literal(encodeWinAnsi(text))} Tj ET\n`;
    },
    rotatedText(text, x, y, face, size, color, angle, alpha) {
      const radians = (angle * Math.PI) / 180;
      const [cos, sin] = [Math.cos(radians), Math.sin(radians)];
      const matrix = [cos, sin, -sin, cos, x, y].map(num).join(' ');
      ops +=
        `q /${stateName(alpha)} gs ${colorOps(color, false)} BT /${fontName(face)} ${num(size)} Tf 0 Tc ` +
        `${matrix} Tm ${literal(encodeWinAnsi(text))} Tj ET Q\n`;
    },
    rect(x, y, width, height, fillColor, border) {
      if (fillColor) setFill(fillColor);
      if (border) {
        setStroke(border);
        ops += `q 0.75 w ${num(x)} ${num(y)} ${num(width)} ${num(height)} re ${fillColor ? 'B' : 'S'} Q\n`;
      } else {
        ops += `${num(x)} ${num(y)} ${num(width)} ${num(height)} re f\n`;
      }
    },
    circle(cx, cy, r, color) {
      setFill(color);
      const k = r * KAPPA;
      ops +=
        `${num(cx - r)} ${num(cy)} m ${num(cx - r)} ${num(cy + k)} ${num(cx - k)} ${num(cy + r)} ${num(cx)} ${num(cy + r)} c ` +
        `${num(cx + k)} ${num(cy + r)} ${num(cx + r)} ${num(cy + k)} ${num(cx + r)} ${num(cy)} c ` +
        `${num(cx + r)} ${num(cy - k)} ${num(cx + k)} ${num(cy - r)} ${num(cx)} ${num(cy - r)} c ` +
        `${num(cx - k)} ${num(cy - r)} ${num(cx - r)} ${num(cy - k)} ${num(cx - r)} ${num(cy)} c f\n`;
    },
    line(x1, y1, x2, y2, width, color, dash) {
      setStroke(color);
      const pattern = dash ? `[${dash.map(num).join(' ')}] 0 d ` : '';
      ops += `q ${pattern}${num(width)} w ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S Q\n`;
    },
    image(image, x, y, width, height) {
      ops += `q ${num(width)} 0 0 ${num(height)} ${num(x)} ${num(y)} cm /${xobject(image.ref)} Do Q\n`;
    },
    inline(body, matrix) {
      const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = matrix;
      ops += `q ${num(a)} ${num(b)} ${num(c)} ${num(d)} ${num(e)} ${num(f)} cm\n${body}Q\n`;
    },
    place(ref, matrix) {
      const [a = 1, b = 0, c = 0, d = 1, e = 0, f = 0] = matrix;
      ops += `q ${num(a)} ${num(b)} ${num(c)} ${num(d)} ${num(e)} ${num(f)} cm /${xobject(ref)} Do Q\n`;
    },
    opacity(alpha) {
      return stateName(alpha);
    },
    finish(page) {
      const context = doc.context;
      const resources: Record<string, Record<string, PDFRef>> = {};
      if (fonts.size > 0) {
        resources.Font = {};
        for (const [baseFont, name] of fonts) {
          resources.Font[name] = context.register(
            context.obj({ Type: 'Font', Subtype: 'Type1', BaseFont: baseFont, Encoding: 'WinAnsiEncoding' }),
          );
        }
      }
      if (xobjects.size > 0) {
        resources.XObject = {};
        for (const [ref, name] of xobjects) resources.XObject[name] = ref;
      }
      if (states.size > 0) {
        resources.ExtGState = {};
        for (const [alpha, name] of states) {
          resources.ExtGState[name] = context.register(context.obj({ Type: 'ExtGState', ca: alpha }));
        }
      }
      page.node.set(PDFName.of('Resources'), context.obj(resources));
      page.node.set(PDFName.of('Contents'), context.register(context.flateStream(ops)));
    },
  };
}
