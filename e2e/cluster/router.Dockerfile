# The e2e "edge router": Debian's gobgpd (needs Docker Hub and Debian's mirrors at build time).
FROM docker.io/library/debian:bookworm-slim
RUN apt-get update -q \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gobgpd \
    && rm -rf /var/lib/apt/lists/*
ENTRYPOINT ["gobgpd", "-f", "/etc/gobgpd/gobgpd.toml", "-p", "--pprof-disable"]
