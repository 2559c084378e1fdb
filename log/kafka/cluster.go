package kafka

// DescribeCluster: v0–1.
//
// One broker, this node, which is also the controller; the cluster ID is
// the one Metadata answers. Asking for controller endpoints (v1
// EndpointType 2) is answered with this node too: it is the controller.
// Authorized operations are not computed.

import "github.com/twmb/franz-go/pkg/kmsg"

func (s *Server) describeCluster(req *kmsg.DescribeClusterRequest) kmsg.Response {
	resp := req.ResponseKind().(*kmsg.DescribeClusterResponse)
	resp.EndpointType = req.EndpointType
	if resp.EndpointType == 0 {
		resp.EndpointType = 1
	}
	resp.ClusterID = clusterID
	resp.ControllerID = s.self.ID
	b := kmsg.NewDescribeClusterResponseBroker()
	b.NodeID, b.Host, b.Port = s.self.ID, s.self.Host, s.self.Port
	resp.Brokers = []kmsg.DescribeClusterResponseBroker{b}
	resp.ClusterAuthorizedOperations = authorizedOperationsOmitted
	return resp
}
