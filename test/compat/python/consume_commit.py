"""Consumes up to MAX records of TOPIC in GROUP, commits, leaves; idle for 5 s ends early.

usage: consume_commit.py BOOTSTRAP TOPIC GROUP MAX
Prints one JSON line: the records read ([partition, offset, value]), the
assignment, and the offsets committed per partition as the broker returns them.
"""
import json
import sys

from kafka import KafkaConsumer, TopicPartition

bootstrap, topic, group, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
consumer = KafkaConsumer(
    topic,
    bootstrap_servers=bootstrap,
    group_id=group,
    auto_offset_reset='earliest',
    enable_auto_commit=False,
    consumer_timeout_ms=5000,
    session_timeout_ms=6000,
    heartbeat_interval_ms=300,
    max_poll_records=1,
)
records = []
for m in consumer:
    records.append([m.partition, m.offset, m.value.decode()])
    if len(records) >= limit:
        break
consumer.commit()
assignment = sorted(tp.partition for tp in consumer.assignment())
committed = {str(p): consumer.committed(TopicPartition(topic, p)) for p in assignment}
consumer.close()
print(json.dumps({'records': records, 'assignment': assignment, 'committed': committed}))
