// Replaced with package.json's version by the build (tsup `define`) and by vitest, so `--version`
// never reads files at run time and the bundled CLI works wherever it is copied.
declare const __PAGOEFECTIVO_KIT_VERSION__: string | undefined;

/** The version of the installed pagoefectivo-kit (`pagoefectivo-kit --version`). */
export const CLI_VERSION: string =
  typeof __PAGOEFECTIVO_KIT_VERSION__ === 'string' ? __PAGOEFECTIVO_KIT_VERSION__ : '0.0.0-unbuilt';
