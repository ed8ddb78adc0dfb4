/** An entry's version as the entity tag `If-Match` takes (docs/allowlist-as-code.md, Versions and conditional writes). */
export const entityTagOf = (version: number) => `"${version}"`;
