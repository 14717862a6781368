#ifndef UNDERSTUDY_CPCAP_SHIM_H
#define UNDERSTUDY_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
