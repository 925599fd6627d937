"""Lists topics over SASL_PLAINTEXT (kafka-python 2.0 uses SaslHandshake v0 and raw tokens).

usage: sasl_topics.py BOOTSTRAP MECHANISM USER PASSWORD
Prints "TOPICS [...]" on success, "ERROR <type> <message>" on failure.
"""
import sys

from kafka import KafkaConsumer

bootstrap, mechanism, user, password = sys.argv[1:5]
try:
    c = KafkaConsumer(
        bootstrap_servers=bootstrap,
        security_protocol='SASL_PLAINTEXT',
        sasl_mechanism=mechanism,
        sasl_plain_username=user,
        sasl_plain_password=password,
        request_timeout_ms=10000,
        api_version_auto_timeout_ms=5000,
    )
    print('TOPICS', sorted(c.topics()))
    c.close()
except Exception as e:  # the test reads the error type from stdout
    print('ERROR', type(e).__name__, e)
