/**
 * Checkpoint encoding of phone numbers: one array per number, [number, numberType, capability,
 * country, operator, {other fields}?], instead of an object with its keys repeated. At 1M numbers
 * JSON.parse of objects plus building the map took ~1.9 s; fixed-position rows decoded into one
 * object literal shape take ~1.1 s (bench/scale.ts, issue "Benchmarks" item 5). Chunks written
 * before this (arrays of objects) still load.
 */
import type { PhoneNumber } from '../tenant/types';

type Row = [
  string, PhoneNumber['numberType'], PhoneNumber['capability'], string | null, string | null, Partial<PhoneNumber>?,
];

export function encodeNumbers(numbers: PhoneNumber[]): string {
  return JSON.stringify(numbers.map((n): Row => {
    const { number, numberType, capability, country, operator, ...other } = n;
    const row: Row = [number, numberType, capability, country ?? null, operator ?? null];
    if (Object.keys(other).length) row.push(other);
    return row;
  }));
}

/** Calls `put` for each number of a chunk, in either encoding. */
export function decodeNumbers(data: string, put: (n: PhoneNumber) => void): void {
  for (const r of JSON.parse(data) as (Row | PhoneNumber)[]) {
    if (!Array.isArray(r)) { put(r); continue; }
    // The common case (country and operator both set) builds one literal: one hidden class.
    // Key order as the tenant commands create numbers, so a reloaded tenant serializes the same.
    const n: PhoneNumber =
      r[3] !== null && r[4] !== null
        ? { number: r[0], numberType: r[1], capability: r[2], country: r[3], operator: r[4] }
        : {
            number: r[0],
            numberType: r[1],
            capability: r[2],
            ...(r[3] !== null ? { country: r[3] } : {}),
            ...(r[4] !== null ? { operator: r[4] } : {}),
          };
    if (r[5]) Object.assign(n, r[5]);
    put(n);
  }
}
