// After `tsc -p tsconfig.build.json`: copy what the compiled server reads at run time from
// beside its modules (the i18n catalogue, the sandbox's phone page, the personal tab built by
// `npm run build:tab`) into dist/.
import { cpSync } from 'node:fs';

for (const [from, to] of [
  ['bot/src/i18n/locales', 'dist/i18n/locales'],
  ['bot/src/sandbox/page', 'dist/sandbox/page'],
  ['tabs/dist', 'dist/tab'],
]) {
  cpSync(from, to, { recursive: true });
}
