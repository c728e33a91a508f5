"""Print the Redis URL if its server answers, nothing otherwise (tests then use the SQLite queue)."""

import sys

import redis

try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
except redis.RedisError:
    sys.exit(0)
print(sys.argv[1])
