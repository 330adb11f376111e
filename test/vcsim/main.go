// Command vcsim-harness runs govmomi's vCenter simulator (Debian's golang-github-vmware-govmomi-dev 0.24.2) on
// 127.0.0.1 at a random port for hyperaudit's tests and bench. It prints one JSON line with the URL and the path
// of the PEM certificate the server presents, then serves until stdin closes or it is signalled.
//
// vcsim 0.24.2 answers RetrievePropertiesEx with every object in one page and has no ContinueRetrievePropertiesEx,
// so pagingCollector below honours RetrieveOptions.maxObjects and the continuation token as the vSphere API
// reference describes them (PropertyCollector.RetrievePropertiesEx / ContinueRetrievePropertiesEx): without it
// no test could exercise paging as a real vCenter pages.
package main

import (
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

var pages = struct {
	sync.Mutex
	next int
	rest map[string]pending
}{rest: map[string]pending{}}

type pending struct {
	objects []types.ObjectContent
	max     int32
}

// pagingCollector embeds the collector by value: vcsim builds one per session with reflect.New of this type.
type pagingCollector struct {
	simulator.PropertyCollector
}

func page(objects []types.ObjectContent, max int32) *types.RetrieveResult {
	if max <= 0 || int(max) >= len(objects) {
		return &types.RetrieveResult{Objects: objects}
	}
	pages.Lock()
	defer pages.Unlock()
	pages.next++
	token := strconv.Itoa(pages.next)
	pages.rest[token] = pending{objects[max:], max}
	return &types.RetrieveResult{Objects: objects[:max], Token: token}
}

func (pc *pagingCollector) RetrievePropertiesEx(ctx *simulator.Context, r *types.RetrievePropertiesEx) soap.HasFault {
	res := pc.PropertyCollector.RetrievePropertiesEx(ctx, r)
	body, ok := res.(*methods.RetrievePropertiesExBody)
	if !ok || body.Res == nil || body.Res.Returnval == nil {
		return res
	}
	body.Res.Returnval = page(body.Res.Returnval.Objects, r.Options.MaxObjects)
	return body
}

func (pc *pagingCollector) ContinueRetrievePropertiesEx(ctx *simulator.Context, r *types.ContinueRetrievePropertiesEx) soap.HasFault {
	body := &methods.ContinueRetrievePropertiesExBody{}
	pages.Lock()
	rest, ok := pages.rest[r.Token]
	delete(pages.rest, r.Token)
	pages.Unlock()
	if !ok {
		body.Fault_ = simulator.Fault("unknown token", &types.InvalidArgument{InvalidProperty: "token"})
		return body
	}
	body.Res = &types.ContinueRetrievePropertiesExResponse{Returnval: *page(rest.objects, rest.max)}
	return body
}

func main() {
	datacenters := flag.Int("datacenters", 1, "datacenters")
	clusters := flag.Int("clusters", 2, "clusters per datacenter")
	clusterHosts := flag.Int("cluster-hosts", 3, "hosts per cluster")
	hosts := flag.Int("hosts", 1, "standalone hosts per datacenter")
	vms := flag.Int("vms", 2, "VMs per resource pool (each cluster and standalone host has one)")
	username := flag.String("username", "hyperaudit", "the one user vcsim accepts")
	passwordFile := flag.String("password-file", "", "file holding that user's password")
	certOut := flag.String("cert-out", "", "write the server's PEM certificate here")
	flag.Parse()

	password := "vcsim-password"
	if *passwordFile != "" {
		b, err := ioutil.ReadFile(*passwordFile)
		if err != nil {
			log.Fatal(err)
		}
		password = string(b)
	}

	model := simulator.VPX()
	model.Datacenter = *datacenters
	model.Cluster = *clusters
	model.ClusterHost = *clusterHosts
	model.Host = *hosts
	model.Machine = *vms
	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	defer model.Remove()

	collectorRef := types.ManagedObjectReference{Type: "PropertyCollector", Value: "propertyCollector"}
	original := simulator.Map.Get(collectorRef).(*simulator.PropertyCollector)
	simulator.Map.Put(&pagingCollector{PropertyCollector: *original})
	model.Service.TLS = new(tls.Config)
	model.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(*username, password)}
	server := model.Service.NewServer()
	defer server.Close()

	if *certOut != "" {
		block := &pem.Block{Type: "CERTIFICATE", Bytes: server.Certificate().Raw}
		if err := ioutil.WriteFile(*certOut, pem.EncodeToMemory(block), 0o600); err != nil {
			log.Fatal(err)
		}
	}
	u := *server.URL
	u.User = nil
	line, _ := json.Marshal(map[string]string{"url": u.String(), "certFile": *certOut})
	fmt.Println(string(line))

	done := make(chan struct{})
	go func() { _, _ = io.Copy(ioutil.Discard, os.Stdin); close(done) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-done:
	case <-sig:
	}
}
