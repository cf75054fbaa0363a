export declare const EM: number;
export declare function outline(code: number): [number, string] | null;
export declare function outlines(): Record<number, [number, string]>;
export declare function source(): string;
