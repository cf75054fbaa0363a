export declare const ENTRIES: Record<string, string>;
export declare function outName(source: string): string;
export declare function exportsMap(): Record<string, unknown>;
