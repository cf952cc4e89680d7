import type { PGlite } from '@electric-sql/pglite';

export declare const PREPARE_MARK: string;

export declare class PreparedStatements {
  constructor(pg: PGlite, max?: number);
  handles(text: string, params: readonly unknown[]): boolean;
  query(
    text: string,
    params: readonly unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; affectedRows: number }>;
}
