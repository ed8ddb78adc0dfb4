/** Aligned columns for terminals: a header row, then one line per item; colour codes do not upset the alignment. */
import { visibleLength, type Paint } from './paint';

export interface Column<T> {
  header: string;
  cell(item: T): string;
}

export function formatTable<T>(columns: Column<T>[], items: T[], paint: Paint): string {
  const rows = items.map((item) => columns.map((c) => c.cell(item)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell))))
      .join('  ')
      .trimEnd();
  return [paint.bold(line(columns.map((c) => c.header))), ...rows.map(line)].join('\n') + '\n';
}
