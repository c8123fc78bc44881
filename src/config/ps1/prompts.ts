/** A console prompt pasted with the command: `PS C:\> `, `PS C:\Users\me> `, `PS> `. */
const PROMPT = /^([ \t]*)PS(?: [A-Za-z]:\\[^>\r\n]*)?> ?/gm;

/** Strip pasted console prompts, noting each line (the docs' examples often carry them). */
export function stripPrompts(src: string, file?: string): { src: string; warnings: string[] } {
  const warnings: string[] = [];
  const out = src.replace(PROMPT, (m, indent: string, offset: number) => {
    const line = src.slice(0, offset).split('\n').length;
    warnings.push(
      `${file ?? 'script'}:${line}: a console prompt ('${m.trim()}') was pasted with the command; it was ignored`,
    );
    return indent;
  });
  return { src: out, warnings };
}
