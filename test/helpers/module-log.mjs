// `node --import ./test/helpers/module-log.mjs …`: appends the URL of every module the ES loader resolves
// to $MMTOP_MODULE_LOG, one a line (node:module register, a resolve hook; written from the hooks thread,
// synchronously, so nothing is lost at exit). For tests of what a command loads.
import { register } from 'node:module';

const hooks = `
import fs from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  fs.appendFileSync(log, result.url + '\\n');
  return result;
}`;
if (process.env.MMTOP_MODULE_LOG) {
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, { parentURL: import.meta.url, data: { log: process.env.MMTOP_MODULE_LOG } });
}
