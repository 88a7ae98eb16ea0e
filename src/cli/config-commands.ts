/**
 * `hearth config check FILE` (validate a file and list every problem, exit 78 when there are
 * any) and `hearth config schema` (the options as JSON Schema or as the Markdown reference).
 */
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { configurationMarkdown } from '../config/docs.js';
import { loadConfig } from '../config/load.js';
import { formatProblem } from '../config/problems.js';
import { configSchema } from '../config/schema.js';
import { ExitCode } from './exit-codes.js';

export async function configCheckCommand(file: string): Promise<number> {
  const result = await loadConfig({ file });
  if (result.ok) {
    process.stdout.write(`${file}: valid\n`);
    return ExitCode.Ok;
  }
  const count = result.problems.length === 1 ? '1 problem' : `${result.problems.length} problems`;
  process.stderr.write(`${file}: ${count}\n${result.problems.map((p) => `  ${formatProblem(p)}\n`).join('')}`);
  return ExitCode.Config;
}

export async function configSchemaCommand(options: { format: string; output?: string | undefined }): Promise<number> {
  let text: string;
  if (options.format === 'markdown') text = configurationMarkdown();
  else if (options.format === 'json')
    text = `${JSON.stringify(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`;
  else {
    process.stderr.write(`hearth: --format: expected json or markdown, got ${JSON.stringify(options.format)}\n`);
    return ExitCode.Usage;
  }
  if (options.output === undefined) process.stdout.write(text);
  else await writeFile(options.output, text);
  return ExitCode.Ok;
}
