/** Whether `value` (a select's value, a field the API types as a plain string) is one of the API's `values`. */
export function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
