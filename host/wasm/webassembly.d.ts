/**
 * The slice of the WebAssembly JS API the wasm host uses. @types/node 20 ships no WebAssembly
 * typings and the project's lib is ES2022 without DOM, so they are declared here (global
 * declarations merge if another file declares the same names).
 */
declare global {
  namespace WebAssembly {
    type ImportExportKind = 'function' | 'table' | 'memory' | 'global' | 'tag';
    interface ModuleImportDescriptor { module: string; name: string; kind: ImportExportKind }
    interface ModuleExportDescriptor { name: string; kind: ImportExportKind }
    type ImportValue = Function | Global | Memory | Table | number;
    type Imports = Record<string, Record<string, ImportValue>>;
    type Exports = Record<string, Function | Global | Memory | Table>;
    class Module {
      constructor(bytes: BufferSource);
      static exports(module: Module): ModuleExportDescriptor[];
      static imports(module: Module): ModuleImportDescriptor[];
      static customSections(module: Module, name: string): ArrayBuffer[];
    }
    class Instance {
      constructor(module: Module, imports?: Imports);
      readonly exports: Exports;
    }
    interface MemoryDescriptor { initial: number; maximum?: number; shared?: boolean }
    class Memory {
      constructor(descriptor: MemoryDescriptor);
      readonly buffer: ArrayBuffer;
      grow(delta: number): number;
    }
    interface GlobalDescriptor { value: string; mutable?: boolean }
    class Global {
      constructor(descriptor: GlobalDescriptor, value?: unknown);
      value: unknown;
    }
    class Table {
      readonly length: number;
    }
    class CompileError extends Error {}
    class LinkError extends Error {}
    class RuntimeError extends Error {}
    type BufferSource = ArrayBufferView | ArrayBuffer;
    function compile(bytes: BufferSource): Promise<Module>;
    function validate(bytes: BufferSource): boolean;
    function instantiate(module: Module, imports?: Imports): Promise<Instance>;
  }
  interface Buffer {
    /** Node's fast paths behind toString('latin1' | 'utf8') and write(.., 'latin1'). */
    latin1Slice(start: number, end: number): string;
    utf8Slice(start: number, end: number): string;
    latin1Write(s: string, offset: number, length: number): number;
  }
}
export {};
