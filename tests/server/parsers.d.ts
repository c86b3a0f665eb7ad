declare module 'm3u8-parser' {
  export class Parser {
    push(chunk: string): void;
    end(): void;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    manifest: any;
  }
}
