// GitHub-flavoured markdown tables: the dataset card, the chapters' tables and the results page.

/**
 * A table; cells are printed as given (format numbers first). Columns whose every cell is a number
 * (or a number-like string such as "12.5%") are right-aligned; pipes and newlines are escaped.
 */
export function markdownTable(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const [i, r] of rows.entries()) {
    if (r.length !== headers.length)
      throw new Error(`markdownTable: row ${i} has ${r.length} cells for ${headers.length} columns`);
  }
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(cell).join(' | ')} |`;
  const align = headers.map((_, j) =>
    rows.length > 0 && rows.every((r) => typeof r[j] === 'number' || /^-?[\d.]+%?$/.test(String(r[j])))
      ? '---:'
      : '---',
  );
  return [line(headers), `|${align.map((a) => ` ${a} `).join('|')}|`, ...rows.map(line)].join('\n');
}
