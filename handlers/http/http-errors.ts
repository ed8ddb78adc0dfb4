/** Errors that only exist at the HTTP edge (transport limits), next to the domain's own. */

/** The body is over the 64 KiB limit. */
export class PayloadTooLargeError extends Error {
  override name = 'PayloadTooLargeError';
}

/** A body was sent with a media type other than JSON. */
export class UnsupportedMediaTypeError extends Error {
  override name = 'UnsupportedMediaTypeError';
}
