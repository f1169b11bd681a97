import { invalidArgument } from "../errors.js";

/**
 * Looks `value` up in a from-wire table. An enum value unknown to this
 * build arrives as a number (protobufjs keeps it) and is rejected, like any
 * other string.
 */
export function decodeEnum<W extends string, M>(table: Readonly<Record<W, M>>, value: unknown, what: string): M {
  if (typeof value === "string" && Object.hasOwn(table, value)) return table[value as W];
  throw invalidArgument(`${what}: unknown value ${JSON.stringify(value)}`);
}
