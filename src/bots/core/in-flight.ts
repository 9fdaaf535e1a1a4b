// Commands answered after their acknowledgement (deferred Discord interactions, Slack respond): a shutdown waits for them.
export interface InFlight {
  /** Counts `work` as running until it settles; returns it. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Waits until nothing tracked is running or `deadline` (epoch ms) passes; resolves with how many still run. */
  settled(deadline: number): Promise<number>;
}

export function createInFlight(): InFlight {
  const running = new Set<Promise<unknown>>();
  return {
    track(work) {
      running.add(work);
      const forget = () => running.delete(work);
      work.then(forget, forget);
      return work;
    },
    async settled(deadline) {
      let timer: NodeJS.Timeout | undefined;
      const timeUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      });
      await Promise.race([Promise.allSettled(running), timeUp]);
      clearTimeout(timer);
      return running.size;
    },
  };
}
