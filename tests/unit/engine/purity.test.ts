import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const coreDir = join(import.meta.dirname, '../../../bot/src/core');
const files = readdirSync(coreDir).filter((f) => f.endsWith('.ts'));

describe('the engine is pure', () => {
  it.each(files)('%s imports no I/O module and reads no clock', (file) => {
    const source = readFileSync(join(coreDir, file), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(/^\.\/[\w-]+\.js$/);
    expect(source).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random\(|process\./);
  });
});
