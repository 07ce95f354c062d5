/** `send-email` -> `SendEmail`: construct ids and ASL placeholders use the PascalCase of a folder name. */
export function pascalCase(kebab: string): string {
  return kebab
    .split('-')
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** `SendEmail` -> `send-email`: the inverse, for `${SendEmailFunctionArn}` placeholders. */
export function kebabCase(pascal: string): string {
  return pascal
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}
