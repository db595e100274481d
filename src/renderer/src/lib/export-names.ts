/** Names the Export step suggests: folder names from adapter names, made unique by the time. */

/** Letters, digits and dashes only, so the name is safe in a folder path and as an Ollama model name. */
export function slug(name: string, fallback: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || fallback
  );
}

/** The current UTC time as YYYYMMDDHHMMSS. */
export function timestamp(now: Date = new Date()): string {
  return now.toISOString().slice(0, 19).replace(/[-:T]/g, '');
}
