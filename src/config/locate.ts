/**
 * Where a configuration names something: the first line of the config folder's files (YAML,
 * then the scripts in the order they run) that names the identity as a whole word or quoted
 * string, which is where it is created. Lint warnings are about loaded objects; this gives
 * them the file:line an admin opens.
 */
import fs from 'node:fs';

export interface Located { file: string; line: number }

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function locator(files: readonly string[]): (subject: string) => Located | undefined {
  const texts = new Map<string, string[]>();
  const linesOf = (f: string) => {
    let l = texts.get(f);
    if (!l) texts.set(f, (l = fs.readFileSync(f, 'utf8').split('\n')));
    return l;
  };
  const find = (re: RegExp): Located | undefined => {
    for (const file of files) {
      // Comments name things too, but do not create them.
      const i = linesOf(file).findIndex((l) => !/^\s*#/.test(l) && re.test(l));
      if (i >= 0) return { file, line: i + 1 };
    }
    return undefined;
  };
  return (subject) => {
    if (!subject) return undefined;
    const s = escape(subject);
    // Quoted first: "Legacy SBC" is then not found in "Legacy SBC 2"; then as a whole word.
    return find(new RegExp(`["']${s}["']`, 'i')) ?? find(new RegExp(`(^|[^\\w.@-])${s}($|[^\\w.@-])`, 'i'));
  };
}
