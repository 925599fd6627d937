"""A consumer group member that runs until SIGTERM, committing after every poll.

usage: group_member.py BOOTSTRAP TOPIC GROUP NAME
Prints JSON lines: {"event": "assigned", "partitions": [...]} after each
rebalance, {"event": "record", ...} per record, {"event": "closed"} on exit.
Small session and heartbeat timeouts make rebalances quick.
"""
import json
import signal
import sys

from kafka import ConsumerRebalanceListener, KafkaConsumer

bootstrap, topic, group, name = sys.argv[1:5]
stopping = False


def stop(_signum, _frame):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, stop)


def emit(event, **fields):
    print(json.dumps({'event': event, 'member': name, **fields}), flush=True)


class Listener(ConsumerRebalanceListener):
    def on_partitions_revoked(self, revoked):
        emit('revoked', partitions=sorted(tp.partition for tp in revoked))

    def on_partitions_assigned(self, assigned):
        emit('assigned', partitions=sorted(tp.partition for tp in assigned))


consumer = KafkaConsumer(
    bootstrap_servers=bootstrap,
    group_id=group,
    client_id=name,
    auto_offset_reset='earliest',
    # Committed synchronously after each poll, before the next poll can rebalance:
    # a revoked partition's new owner starts exactly where this one stopped.
    enable_auto_commit=False,
    session_timeout_ms=6000,
    heartbeat_interval_ms=300,
    fetch_max_wait_ms=100,
)
consumer.subscribe([topic], listener=Listener())
while not stopping:
    batches = consumer.poll(timeout_ms=100)
    for tp, records in batches.items():
        for m in records:
            emit('record', partition=m.partition, offset=m.offset, value=m.value.decode())
    if batches:
        consumer.commit()
consumer.close()  # commits nothing more (auto-commit off) and leaves the group
emit('closed')
