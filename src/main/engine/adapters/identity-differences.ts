/** What tells two base models apart for lineage: architecture, config.json and each weight file. */

export interface IdentityHashes {
  readonly architecture: string;
  readonly configSha256: string;
  readonly weightFiles: readonly { readonly file: string; readonly sha256: string }[];
}

/** Each difference between the identity an adapter records and a model's, in words; empty when they match. */
export function identityDifferences(recorded: IdentityHashes, actual: IdentityHashes): string[] {
  const differences: string[] = [];
  if (recorded.architecture !== actual.architecture) differences.push(`architecture ${recorded.architecture} vs ${actual.architecture}`);
  if (recorded.configSha256 !== actual.configSha256) differences.push('config.json differs');
  const actualFiles = new Map(actual.weightFiles.map((f) => [f.file, f.sha256]));
  const recordedFiles = new Set(recorded.weightFiles.map((f) => f.file));
  for (const f of recorded.weightFiles) {
    const sha = actualFiles.get(f.file);
    if (sha === undefined) differences.push(`${f.file} is missing`);
    else if (sha !== f.sha256) differences.push(`${f.file} differs`);
  }
  for (const f of actual.weightFiles) if (!recordedFiles.has(f.file)) differences.push(`${f.file} was not part of the base`);
  return differences;
}
