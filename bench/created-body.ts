/** A created request's body; a refused create stops the bench, since a figure measured over refusals means nothing. */
export function createdBody<T>(res: { status: number; body: unknown }): T {
  if (res.status !== 201) throw new Error(`POST /v1/requests answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T;
}
