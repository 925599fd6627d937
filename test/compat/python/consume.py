"""Reads one partition from the beginning without a group until COUNT records arrived.

usage: consume.py BOOTSTRAP TOPIC PARTITION COUNT
Prints one JSON line per record: offset, key, value, headers.
"""
import json
import sys

from kafka import KafkaConsumer, TopicPartition

bootstrap, topic, partition, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=10000)
tp = TopicPartition(topic, partition)
consumer.assign([tp])
consumer.seek_to_beginning(tp)
seen = 0
for m in consumer:
    print(json.dumps({
        'offset': m.offset,
        'key': m.key.decode() if m.key is not None else None,
        'value': m.value.decode(),
        'headers': [[k, v.decode()] for k, v in m.headers],
    }), flush=True)
    seen += 1
    if seen >= count:
        break
consumer.close()
