"""The seed's windowed aggregation (../shared/seed, StreamProcessor.create_windowed_aggregation),
copied as written; the only changes, marked "bench:", make it stop when the input is exhausted,
read from the beginning with a fresh group, and report its timing.

    /usr/bin/python3 bench/engine/seed_window.py BOOTSTRAP INPUT OUTPUT COUNT GROUP
"""
import json
import sys
import time
from collections import defaultdict

from kafka import KafkaConsumer, KafkaProducer


def create_windowed_aggregation(bootstrap_servers, input_topic, output_topic, count, group,
                                window_size_seconds=300):
    """Create windowed aggregation processor"""
    consumer = KafkaConsumer(
        input_topic,
        bootstrap_servers=bootstrap_servers,
        group_id=group,  # bench: a fresh group per run, so it reads from the beginning
        value_deserializer=lambda m: json.loads(m.decode('utf-8')),
        auto_offset_reset='earliest',
        consumer_timeout_ms=10000,  # bench: ends the loop if the input stops short
    )

    producer = KafkaProducer(
        bootstrap_servers=bootstrap_servers,
        value_serializer=lambda v: json.dumps(v).encode('utf-8')
    )

    window_data = defaultdict(lambda: defaultdict(int))
    last_window_time = int(time.time() // window_size_seconds)
    seen = 0  # bench
    first = None  # bench
    end = None  # bench
    nbytes = 0  # bench
    cpu0 = 0.0  # bench: CPU seconds of this process (all threads) from the first record
    cpu = None  # bench

    try:
        for message in consumer:
            if first is None:  # bench
                first = time.perf_counter()
                cpu0 = time.process_time()  # bench
            event = message.value
            current_window = int(time.time() // window_size_seconds)

            # Process current event
            key = event.get('category', 'unknown')
            window_data[current_window][key] += event.get('value', 1)

            # Check if window has closed
            if current_window > last_window_time:
                # Emit results for completed windows
                for window_time in list(window_data.keys()):
                    if window_time < current_window:
                        result = {
                            'window_start': window_time * window_size_seconds,
                            'window_end': (window_time + 1) * window_size_seconds,
                            'aggregations': dict(window_data[window_time])
                        }

                        producer.send(output_topic, value=result)
                        del window_data[window_time]

                last_window_time = current_window

            seen += 1  # bench: stop once the whole input was read
            nbytes += message.serialized_value_size
            if seen >= count:
                end = time.perf_counter()
                cpu = time.process_time() - cpu0  # bench
                break

    except Exception as e:
        print(f"Error in stream processing: {e}")
    finally:
        consumer.close()
        producer.close()
    # bench: timed up to the last record; close() (a producer flush of at most one window result)
    # is left out, as the Node workloads' disconnects are
    if end is None:
        end = time.perf_counter()
    if cpu is None:
        cpu = time.process_time() - cpu0
    return seen, nbytes, (end - first) if first is not None else 0.0, len(window_data), cpu


if __name__ == '__main__':
    bootstrap, input_topic, output_topic, count, group = sys.argv[1:6]
    seen, nbytes, seconds, windows, cpu = create_windowed_aggregation(
        bootstrap, input_topic, output_topic, int(count), group)
    print('RESULT ' + json.dumps({'records': seen, 'bytes': nbytes, 'seconds': seconds, 'cpuSeconds': cpu,
                                  'extra': {'openWindows': windows}}))
