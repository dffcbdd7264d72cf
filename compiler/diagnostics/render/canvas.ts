import { paint, type Style } from './style.ts';

interface Cell {
  readonly text: string;
  readonly style: Style;
}

/** Rows of styled cells addressed by display column: the label area under one source line. */
export class Canvas {
  private readonly rows: Cell[][] = [];

  /** Writes `text` one cell per UTF-16 unit (callers only write single-width marks) starting at `col`. */
  put(row: number, col: number, text: string, style: Style): void {
    const cells = this.row(row);
    for (let i = 0; i < text.length; i++) cells[col + i] = { text: text[i], style };
  }

  /** Writes `text` as a single cell: for a message, which is always the last thing on its row. */
  putMessage(row: number, col: number, text: string, style: Style): void {
    this.row(row)[col] = { text, style };
  }

  get(row: number, col: number): string | undefined {
    return this.rows[row]?.[col]?.text;
  }

  /** Lines without trailing spaces; each style run is painted once. */
  render(color: boolean): string[] {
    return this.rows.map((cells) => {
      let out = '';
      let run = '';
      let runStyle: Style = 'plain';
      for (let c = 0; c < cells.length; c++) {
        const cell = cells[c] ?? { text: ' ', style: 'plain' as Style };
        if (cell.style !== runStyle) {
          out += paint(run, runStyle, color);
          run = '';
          runStyle = cell.style;
        }
        run += cell.text;
      }
      out += paint(runStyle === 'plain' ? run.trimEnd() : run, runStyle, color);
      return out.trimEnd();
    });
  }

  private row(row: number): Cell[] {
    while (this.rows.length <= row) this.rows.push([]);
    return this.rows[row];
  }
}
