/**
 * What the parser (parser.ts) makes of a script and the interpreter (run.ts) runs: values,
 * cmdlet invocations and statements, each with the line it starts on.
 */
import type { StringPart } from './lexer';

export type Value =
  | { kind: 'string'; value: string; line: number }
  /** `"$country-Free"`: the text with each variable's value put in when the statement runs. */
  | { kind: 'expand'; parts: StringPart[]; line: number }
  | { kind: 'null'; line: number }
  | { kind: 'bool'; value: boolean; line: number }
  | { kind: 'hash'; entries: { key: string; value: Value }[]; line: number }
  | { kind: 'array'; items: Value[]; line: number }
  /** `$name` or `$name.Prop.Prop`: read when the statement runs (run.ts). */
  | { kind: 'var'; name: string; props: string[]; line: number }
  /** `(Get-Cs... ).Prop`: what a pipeline writes, then its properties. */
  | { kind: 'sub'; stages: Invocation[]; props: string[]; line: number }
  /** `{ ... }`: a script block (Where-Object, ForEach-Object). */
  | { kind: 'block'; body: Statement[]; line: number; source?: string }
  /** `$x.Trim()`, `$_.UPN.ToLower()`: a method of a string value (methods.ts). */
  | { kind: 'call'; target: Value; method: string; args: Value[]; line: number }
  /** `a -eq b`, `x -and y`, `-not x`, `a -replace 'p','r'`. */
  | { kind: 'op'; op: string; left?: Value; right: Value; line: number }
  /** What a cmdlet returned (New-CsVoiceNormalizationRule -InMemory, Get-CsOnlineUser ...). */
  | { kind: 'object'; value: CmdletObject; line: number };

/** An object a cmdlet returns, to be passed to another through a variable or the pipeline. */
export interface CmdletObject {
  objectType: string;
  [field: string]: unknown;
}

export type Arg = { param: string; value?: Value; line: number } | { value: Value; line: number };

export interface Invocation {
  cmdlet: string;
  args: Arg[];
  line: number;
}

export type Statement =
  | { kind: 'pipeline'; stages: Invocation[]; assign?: string; line: number }
  | { kind: 'assign'; name: string; value: Value; line: number }
  | { kind: 'expr'; value: Value; line: number }
  | { kind: 'foreach'; variable: string; collection: Value; body: Statement[]; line: number }
  | { kind: 'try'; body: Statement[]; handler: Statement[]; line: number }
  /** `If (c) { } ElseIf (c) { } Else { }`: the first branch whose condition holds runs. */
  | { kind: 'if'; branches: { condition: Value; body: Statement[] }[]; otherwise?: Statement[]; line: number }
  /** `$x += value` or `$x += Get-...`: appends to a list, concatenates a string. */
  | { kind: 'append'; name: string; value?: Value; stages?: Invocation[]; line: number }
  /** `$list.Add(x)`, `$Error.Clear()`: the few methods scripts call on their own variables. */
  | { kind: 'method'; name: string; props: string[]; method: string; args: Value[]; line: number }
  /** `Exit`: the rest of the script does not run. */
  | { kind: 'exit'; line: number }
  /**
   * A statement outside the subset (`for`, `switch`, `$x[0]`, ...): read past (balanced) and refused
   * with its located error only if the script reaches it, so a branch never taken does not stop the rest.
   */
  | { kind: 'unsupported'; message: string; line: number };
