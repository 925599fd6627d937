"""Produces COUNT keyed records with headers to one partition, acks=all.

usage: produce.py BOOTSTRAP TOPIC PARTITION COUNT CODEC
CODEC is none, gzip, snappy, lz4 or zstd. Prints one JSON line per record
({"offset", "partition"}) as the broker acknowledged it.
"""
import json
import sys

from kafka import KafkaProducer

bootstrap, topic, partition, count, codec = sys.argv[1:6]
producer = KafkaProducer(
    bootstrap_servers=bootstrap,
    acks='all',
    compression_type=None if codec == 'none' else codec,
    # One batch per flush, so the codec applies to a batch of many records.
    linger_ms=50,
)
futures = [
    producer.send(
        topic,
        key=f'key{i}'.encode(),
        value=f'value-{i}-{"x" * (i * 10)}'.encode(),
        headers=[('source', b'kafka-python'), ('codec', codec.encode())],
        partition=int(partition),
    )
    for i in range(int(count))
]
producer.flush()
for f in futures:
    meta = f.get(timeout=10)
    print(json.dumps({'partition': meta.partition, 'offset': meta.offset}))
producer.close()
