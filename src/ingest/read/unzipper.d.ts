// Minimal types for the part of unzipper (a dependency of exceljs, no bundled types) the xlsx reader uses.
declare module 'unzipper' {
  import type { Readable } from 'node:stream';

  export type ZipEntry = {
    path: string;
    type: 'File' | 'Directory';
    compressedSize: number;
    uncompressedSize: number;
    stream(password?: string): Readable;
    buffer(password?: string): Promise<Buffer>;
  };
  export type CentralDirectory = { files: ZipEntry[] };

  export const Open: {
    file(path: string): Promise<CentralDirectory>;
  };
}
