/** The console's files as the server holds them: built from console/ in a clone, embedded in the packaged `lpb`. */
export interface ConsoleAsset {
  contentType: string;
  body: string;
}

/** URL path → file. */
export type ConsoleAssets = Record<string, ConsoleAsset>;
