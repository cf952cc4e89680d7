import { http } from './http';

export type County = { code: string; name: string; households?: number };
export type Product = { code: string; name: string };
export type Outlet = { code: string; name: string; county: string | null };
export type Warehouse = { code: string; name: string; county: string | null };
export type Item = { code: string; name: string; product: string | null; serialized: boolean };

export type Reference = {
  counties: County[];
  products: Product[];
  outlets: Outlet[];
  warehouses: Warehouse[];
  items: Item[];
};

export const referenceApi = {
  get: async (): Promise<Reference> => {
    const raw = await http.get<Partial<Reference>>('/api/reference');
    return {
      counties: raw.counties ?? [],
      products: raw.products ?? [],
      outlets: raw.outlets ?? [],
      warehouses: raw.warehouses ?? [],
      items: raw.items ?? [],
    };
  },
};
