/** The result pane's answer to a 429: how long until the window resets, counting down with JavaScript. */
import { useEffect, useRef, useState } from "react";

export function RateLimitBanner({ seconds, onReset }: { seconds: number; onReset: () => void }) {
  const [remaining, setRemaining] = useState(seconds);
  const reset = useRef(onReset);
  reset.current = onReset;
  useEffect(() => {
    const endsAt = Date.now() + seconds * 1000;
    const timer = setInterval(() => {
      const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      setRemaining(left);
      if (left === 0) {
        clearInterval(timer);
        reset.current();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [seconds]);
  return (
    <div
      role="status"
      data-testid="rate-limit-banner"
      className="mb-4 rounded-lg border border-amber-500 bg-amber-50 p-4 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-50"
    >
      <p className="font-semibold">Rate limit reached</p>
      <p>
        Your configuration is fine; you have used this minute’s requests. You can compile again in{" "}
        <strong data-testid="rate-limit-countdown">{remaining}</strong> s.
      </p>
    </div>
  );
}
