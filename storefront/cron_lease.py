"""One cron scheduler at a time, however many processes start one.

Every `worker` dyno gets the same settings, so scaling workers to two (or WORKER_IN_WEB=1 on two web dynos) starts
two RQ cron schedulers, and RQ's own scheduler has no lock: each would enqueue every periodic job. Here each
scheduler enqueues only while it holds a lease in Redis (one key per queue, renewed every few seconds, released on
a clean stop); the others wait and take over within LEASE_SECONDS of the holder dying. The time each job was last
enqueued is kept in Redis too, so a new holder carries on the same schedule instead of running everything at once.

Run it as `python -m storefront.cron_lease` (REDIS_URL, JOB_QUEUE from the environment); worker.py and
supervise.py start it that way.
"""

import os
from datetime import UTC, datetime

from redis import Redis
from rq.cron import CronScheduler

# A holder renews its lease every CHECK_SECONDS; a dead one's lease lapses after LEASE_SECONDS.
LEASE_SECONDS = 45
CHECK_SECONDS = 10

# Take the lease if it is free, or renew it if it is ours: one atomic step, so two schedulers never both hold it.
_TAKE_OR_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then return 1 end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def lease_key(queue_name):
    return f"storefront:cron:lease:{queue_name}"


def schedule_key(queue_name):
    """A hash: periodic job name -> when it was last enqueued (POSIX seconds)."""
    return f"storefront:cron:last-enqueued:{queue_name}"


class LeasedCronScheduler(CronScheduler):
    """RQ's cron scheduler that enqueues only while it holds its queue's lease, on the schedule kept in Redis."""

    def __init__(self, connection, queue_name, **kwargs):
        super().__init__(connection, **kwargs)
        self.queue_name = queue_name

    def enqueue_jobs(self):
        if not self.holds_lease():
            return []
        self._follow_shared_schedule()
        enqueued = super().enqueue_jobs()
        for job in enqueued:
            self.connection.hset(schedule_key(self.queue_name), job.name, job.latest_enqueue_time.timestamp())
        return enqueued

    def calculate_sleep_interval(self):
        # Wake often enough to renew the lease, or to notice it is free.
        return min(super().calculate_sleep_interval(), CHECK_SECONDS)

    def register_death(self, pipeline=None):
        self.connection.eval(_RELEASE, 1, lease_key(self.queue_name), self.name)
        super().register_death(pipeline)

    def holds_lease(self):
        return bool(self.connection.eval(_TAKE_OR_RENEW, 1, lease_key(self.queue_name), self.name, LEASE_SECONDS))

    def _follow_shared_schedule(self):
        """Take each job's last enqueue time from Redis when another scheduler enqueued it later than we did."""
        recorded = self.connection.hgetall(schedule_key(self.queue_name))
        for job in self.get_jobs():
            stamp = recorded.get(job.name.encode())
            if stamp is None:
                continue
            when = datetime.fromtimestamp(float(stamp), UTC)
            if job.latest_enqueue_time is None or when > job.latest_enqueue_time:
                job.set_enqueue_time(when)


def run(redis_url, queue_name):
    """Run the periodic jobs of storefront/cron.py until SIGTERM or SIGINT."""
    scheduler = LeasedCronScheduler(Redis.from_url(redis_url), queue_name)
    scheduler.load_config_from_file("storefront.cron")
    scheduler.start()


def main():
    run(os.environ["REDIS_URL"], os.environ.get("JOB_QUEUE", "default").strip())


if __name__ == "__main__":
    main()
