/** What each error page says, shared by the Remix error boundary and the standalone page. */
const COPY: Record<number, { title: string; message: string }> = {
  400: { title: "Bad request", message: "The request could not be understood. Check what you sent and try again." },
  401: { title: "Sign in required", message: "You need to sign in to see this page." },
  403: { title: "Forbidden", message: "Your account does not have access to this page." },
  404: { title: "Page not found", message: "There is nothing at this address. It may have moved, or never existed." },
  405: { title: "Method not allowed", message: "This page does not accept that kind of request." },
  429: { title: "Slow down", message: "Too many requests in a short time. Wait a moment and try again." },
  500: {
    title: "Something went wrong",
    message: "An unexpected error happened on our side. It has been logged; please try again.",
  },
  503: {
    title: "Temporarily unavailable",
    message: "A service Bloqr depends on is not answering. Please try again shortly.",
  },
};

export function errorCopy(status: number) {
  return (
    COPY[status] ??
    (status >= 500 ? COPY[500] : { title: `Error ${status}`, message: "The request could not be completed." })
  );
}
