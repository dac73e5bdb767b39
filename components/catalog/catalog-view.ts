// Not in catalog-tabs.tsx: the page (a server component) parses the view, and a client module's
// functions cannot be called on the server.
export const CATALOG_VIEWS = ['base', 'produced', 'matrix'] as const;
export type CatalogView = (typeof CATALOG_VIEWS)[number];

export function parseCatalogView(value: string | null | undefined): CatalogView {
  return (CATALOG_VIEWS as readonly string[]).includes(value ?? '') ? (value as CatalogView) : 'base';
}
