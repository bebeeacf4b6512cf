/**
 * Media types of lead images, told from their URLs.
 */

/** Image media types by file extension (IANA registrations; `jpg` is not a media type, `image/jpeg` is). */
const IMAGE_TYPES: Readonly<Record<string, string>> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  svg: "image/svg+xml",
};

/**
 * The media type of an image URL, told from the extension of its path (the
 * service never fetches images, so it cannot ask); undefined when the
 * extension says nothing, and then feeds leave the optional `type` out
 * rather than guess wrong.
 */
export function imageMediaType(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : IMAGE_TYPES[extension];
}
