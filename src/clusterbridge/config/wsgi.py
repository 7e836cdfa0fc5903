import os

from django.core.wsgi import get_wsgi_application

# One BLAS thread per process: the embedder's small matrix products run about four times
# faster than with threads that wait on each other (bench/bench_semantic.py).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterbridge.config.settings")
application = get_wsgi_application()
