/** The README's tables of bridge requests, row by row: command, example payload, documented answer `data`. */
import { readFile } from 'node:fs/promises';

export const ZWAVE_TOOLS_TABLE = '#### Z-Wave tools';
export const ZWAVE_TOOLS_END = 'Out-of-range values are refused';

export interface Row {
  command: string;
  payload: string;
  data: string;
}

/** The rows of the README's request table between two headings. */
export async function readmeRows(from = '### Bridge requests', to = '### Names'): Promise<Row[]> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf(from), readme.indexOf(to, readme.indexOf(from)));
  const rows: Row[] = [];
  for (const line of section.split('\n')) {
    const match = /^\| `([a-z_/]+)` \| `([^`]*)`[^|]* \| `([^`]*)`/.exec(line);
    if (match !== null) rows.push({ command: match[1] ?? '', payload: match[2] ?? '', data: match[3] ?? '' });
  }
  return rows;
}
