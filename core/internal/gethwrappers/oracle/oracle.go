// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package oracle

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// OracleMetaData contains all meta data concerning the Oracle contract.
var OracleMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"linkToken\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"requestId\",\"type\":\"bytes32\"}],\"name\":\"CancelOracleRequest\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"specId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"requester\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"requestId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"payment\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"callbackAddr\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes4\",\"name\":\"callbackFunctionId\",\"type\":\"bytes4\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"cancelExpiration\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"dataVersion\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"}],\"name\":\"OracleRequest\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previousOwner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"OwnershipTransferred\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"EXPIRY_TIME\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"requestId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"payment\",\"type\":\"uint256\"},{\"internalType\":\"bytes4\",\"name\":\"callbackFunc\",\"type\":\"bytes4\"},{\"internalType\":\"uint256\",\"name\":\"expiration\",\"type\":\"uint256\"}],\"name\":\"cancelOracleRequest\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"name\":\"commitments\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"requestId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"payment\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"callbackAddress\",\"type\":\"address\"},{\"internalType\":\"bytes4\",\"name\":\"callbackFunctionId\",\"type\":\"bytes4\"},{\"internalType\":\"uint256\",\"name\":\"expiration\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"data\",\"type\":\"bytes32\"}],\"name\":\"fulfillOracleRequest\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"node\",\"type\":\"address\"}],\"name\":\"getAuthorizationStatus\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"getChainlinkToken\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"}],\"name\":\"onTokenTransfer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"payment\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"specId\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"callbackAddress\",\"type\":\"address\"},{\"internalType\":\"bytes4\",\"name\":\"callbackFunctionId\",\"type\":\"bytes4\"},{\"internalType\":\"uint256\",\"name\":\"nonce\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"dataVersion\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"data\",\"type\":\"bytes\"}],\"name\":\"oracleRequest\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"node\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"allowed\",\"type\":\"bool\"}],\"name\":\"setFulfillmentPermission\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"newOwner\",\"type\":\"address\"}],\"name\":\"transferOwnership\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"recipient\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"withdraw\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdrawable\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"}]",
	ID:  "Oracle",
	Bin: "0x60a060405260018055348015610013575f5ffd5b5060405161153e38038061153e833981016040819052610032916100dd565b6001600160a01b03811661008c5760405162461bcd60e51b815260206004820152601c60248201527f4f7261636c653a204c494e4b2061646472657373206973207a65726f00000000604482015260640160405180910390fd5b6001600160a01b0381166080525f80546001600160a01b0319163390811782556040519091907f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0908290a35061010a565b5f602082840312156100ed575f5ffd5b81516001600160a01b0381168114610103575f5ffd5b9392505050565b6080516113fa6101445f395f818160d10152818161022b015281816106c0015281816107e301528181610b5f0152610c1b01526113fa5ff3fe608060405234801561000f575f5ffd5b50600436106100cb575f3560e01c80637fcd56db11610088578063a4c0ed3611610063578063a4c0ed36146101bc578063d3e9c314146101cf578063f2fde38b146101fa578063f3fef3a31461020d575f5ffd5b80637fcd56db14610178578063839df9451461018b5780638da5cb5b146101aa575f5ffd5b8063165d35e1146100cf578063404299461461010e5780634ab0d190146101235780634b60228214610146578063501883011461015d5780636ee4d55314610165575b5f5ffd5b7f00000000000000000000000000000000000000000000000000000000000000005b6040516001600160a01b0390911681526020015b60405180910390f35b61012161011c366004610e70565b610220565b005b610136610131366004610f0c565b610335565b6040519015158152602001610105565b61014f61012c81565b604051908152602001610105565b61014f610594565b610121610173366004610f62565b6105a8565b610121610186366004610fa9565b610785565b61014f610199366004610fe0565b60026020525f908152604090205481565b5f546100f1906001600160a01b031681565b6101216101ca366004610ff7565b6107d8565b6101366101dd36600461104f565b6001600160a01b03165f9081526003602052604090205460ff1690565b61012161020836600461104f565b6109c6565b61012161021b366004611071565b610a9e565b336001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000161461029d5760405162461bcd60e51b815260206004820152601b60248201527f4f7261636c653a206d75737420757365204c494e4b20746f6b656e000000000060448201526064015b60405180910390fd5b61032a6040518060e001604052808b6001600160a01b031681526020018a8152602001898152602001886001600160a01b03168152602001876001600160e01b03191681526020018681526020018581525083838080601f0160208091040260200160405190810160405280939291908181526020018383808284375f92019190915250610c1992505050565b505050505050505050565b335f9081526003602052604081205460ff166103935760405162461bcd60e51b815260206004820152601e60248201527f4f7261636c653a206e6f7420616e20617574686f72697a6564206e6f646500006044820152606401610294565b5f8781526002602052604081205490036103fb5760405162461bcd60e51b815260206004820152602360248201527f4f7261636c653a206d757374206861766520612076616c6964207265717565736044820152621d125960ea1b6064820152608401610294565b5f86868686604051602001610413949392919061109b565b60408051601f1981840301815291815281516020928301205f8b8152600290935291205490915081146104585760405162461bcd60e51b8152600401610294906110d2565b8660015f828254610469919061112c565b90915550505f8881526002602052604081205562061a805a10156104e05760405162461bcd60e51b815260206004820152602860248201527f4f7261636c653a206d7573742070726f7669646520636f6e73756d657220656e6044820152676f7567682067617360c01b6064820152608401610294565b5f866001600160a01b0316868a86604051602401610508929190918252602082015260400190565b60408051601f198184030181529181526020820180516001600160e01b03166001600160e01b03199094169390931790925290516105469190611145565b5f604051808303815f865af19150503d805f811461057f576040519150601f19603f3d011682016040523d82523d5f602084013e610584565b606091505b50909a9950505050505050505050565b5f600180546105a3919061115b565b905090565b5f833384846040516020016105c0949392919061109b565b60408051601f1981840301815291815281516020928301205f88815260029093529120549091501580159061060157505f8581526002602052604090205481145b61061d5760405162461bcd60e51b8152600401610294906110d2565b4282111561066d5760405162461bcd60e51b815260206004820152601e60248201527f4f7261636c653a2072657175657374206973206e6f74206578706972656400006044820152606401610294565b5f858152600260205260408082208290555186917fa7842b9ec549398102c0d91b1b9919b2f20558aefdadf57528a95c6cd3292e9391a260405163a9059cbb60e01b8152336004820152602481018590527f00000000000000000000000000000000000000000000000000000000000000006001600160a01b03169063a9059cbb906044016020604051808303815f875af115801561070e573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610732919061116e565b61077e5760405162461bcd60e51b815260206004820152601a60248201527f4f7261636c653a20756e61626c6520746f207472616e736665720000000000006044820152606401610294565b5050505050565b5f546001600160a01b031633146107ae5760405162461bcd60e51b815260040161029490611189565b6001600160a01b03919091165f908152600360205260409020805460ff1916911515919091179055565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146108505760405162461bcd60e51b815260206004820152601b60248201527f4f7261636c653a206d75737420757365204c494e4b20746f6b656e00000000006044820152606401610294565b60448110156108a15760405162461bcd60e51b815260206004820152601e60248201527f4f7261636c653a20696e76616c69642072657175657374206c656e67746800006044820152606401610294565b6320214ca360e11b6108b660045f84866111c0565b6108bf916111e7565b6001600160e01b031916146109165760405162461bcd60e51b815260206004820152601f60248201527f4f7261636c653a206d7573742063616c6c206f7261636c6552657175657374006044820152606401610294565b6040805160e0810182525f80825260208201819052918101829052606081018290526080810182905260a0810182905260c0810191909152606061095d83600481876111c0565b81019061096a9190611233565b60c08a019190915260a08901919091526001600160e01b031990911660808801526001600160a01b0391821660608801526040870192909252891685526020850188905292506109be915083905082610c19565b505050505050565b5f546001600160a01b031633146109ef5760405162461bcd60e51b815260040161029490611189565b6001600160a01b038116610a455760405162461bcd60e51b815260206004820152601960248201527f4f7261636c653a206e6577206f776e6572206973207a65726f000000000000006044820152606401610294565b5f80546040516001600160a01b03808516939216917f8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e091a35f80546001600160a01b0319166001600160a01b0392909216919091179055565b5f546001600160a01b03163314610ac75760405162461bcd60e51b815260040161029490611189565b610ad260018261112c565b6001541015610b235760405162461bcd60e51b815260206004820152601860248201527f4f7261636c653a206e6f7420656e6f7567682066756e647300000000000000006044820152606401610294565b8060015f828254610b34919061115b565b909155505060405163a9059cbb60e01b81526001600160a01b038381166004830152602482018390527f0000000000000000000000000000000000000000000000000000000000000000169063a9059cbb906044016020604051808303815f875af1158015610ba5573d5f5f3e3d5ffd5b505050506040513d601f19601f82011682018060405250810190610bc9919061116e565b610c155760405162461bcd60e51b815260206004820152601a60248201527f4f7261636c653a20756e61626c6520746f207472616e736665720000000000006044820152606401610294565b5050565b7f00000000000000000000000000000000000000000000000000000000000000006001600160a01b031682606001516001600160a01b031603610c9e5760405162461bcd60e51b815260206004820181905260248201527f4f7261636c653a2063616e6e6f742063616c6c206261636b20746f204c494e4b6044820152606401610294565b815160a083015160405160609290921b6bffffffffffffffffffffffff1916602083015260348201525f9060540160408051601f1981840301815291815281516020928301205f818152600290935291205490915015610d405760405162461bcd60e51b815260206004820152601c60248201527f4f7261636c653a206d75737420757365206120756e69717565204944000000006044820152606401610294565b5f610d4d61012c4261112c565b905083602001518460600151856080015183604051602001610d72949392919061109b565b60408051601f1981840301815282825280516020918201205f8681526002835283902055908601518651918701516060880151608089015160c08a015193957fd8d7ecc4800d25fa53ce0372f13a416d98907a7ef3d8d3bdd79cf4fe75529c6595610dea9590948a949093909290918a918d90611340565b60405180910390a250505050565b6001600160a01b0381168114610e0c575f5ffd5b50565b80356001600160e01b031981168114610e26575f5ffd5b919050565b5f5f83601f840112610e3b575f5ffd5b50813567ffffffffffffffff811115610e52575f5ffd5b602083019150836020828501011115610e69575f5ffd5b9250929050565b5f5f5f5f5f5f5f5f5f6101008a8c031215610e89575f5ffd5b8935610e9481610df8565b985060208a0135975060408a0135965060608a0135610eb281610df8565b9550610ec060808b01610e0f565b945060a08a0135935060c08a0135925060e08a013567ffffffffffffffff811115610ee9575f5ffd5b610ef58c828d01610e2b565b915080935050809150509295985092959850929598565b5f5f5f5f5f5f60c08789031215610f21575f5ffd5b86359550602087013594506040870135610f3a81610df8565b9350610f4860608801610e0f565b9598949750929560808101359460a0909101359350915050565b5f5f5f5f60808587031215610f75575f5ffd5b8435935060208501359250610f8c60408601610e0f565b9396929550929360600135925050565b8015158114610e0c575f5ffd5b5f5f60408385031215610fba575f5ffd5b8235610fc581610df8565b91506020830135610fd581610f9c565b809150509250929050565b5f60208284031215610ff0575f5ffd5b5035919050565b5f5f5f5f6060858703121561100a575f5ffd5b843561101581610df8565b935060208501359250604085013567ffffffffffffffff811115611037575f5ffd5b61104387828801610e2b565b95989497509550505050565b5f6020828403121561105f575f5ffd5b813561106a81610df8565b9392505050565b5f5f60408385031215611082575f5ffd5b823561108d81610df8565b946020939093013593505050565b93845260609290921b6bffffffffffffffffffffffff191660208401526001600160e01b0319166034830152603882015260580190565b60208082526026908201527f4f7261636c653a20706172616d7320646f206e6f74206d617463682072657175604082015265195cdd08125160d21b606082015260800190565b634e487b7160e01b5f52601160045260245ffd5b8082018082111561113f5761113f611118565b92915050565b5f82518060208501845e5f920191825250919050565b8181038181111561113f5761113f611118565b5f6020828403121561117e575f5ffd5b815161106a81610f9c565b6020808252601f908201527f4f7261636c653a2063616c6c6572206973206e6f7420746865206f776e657200604082015260600190565b5f5f858511156111ce575f5ffd5b838611156111da575f5ffd5b5050820193919092039150565b80356001600160e01b03198116906004841015611218576001600160e01b0319600485900360031b81901b82161691505b5092915050565b634e487b7160e01b5f52604160045260245ffd5b5f5f5f5f5f5f5f5f610100898b03121561124b575f5ffd5b883561125681610df8565b97506020890135965060408901359550606089013561127481610df8565b945061128260808a01610e0f565b935060a0890135925060c0890135915060e089013567ffffffffffffffff8111156112ab575f5ffd5b8901601f81018b136112bb575f5ffd5b803567ffffffffffffffff8111156112d5576112d561121f565b604051601f8201601f19908116603f0116810167ffffffffffffffff811182821017156113045761130461121f565b6040528181528282016020018d101561131b575f5ffd5b816020840160208301375f602083830101528093505050509295985092959890939650565b60018060a01b038916815287602082015286604082015260018060a01b038616606082015263ffffffff60e01b851660808201528360a08201528260c082015261010060e08201525f825180610100840152806020850161012085015e5f6101208285010152610120601f19601f830116840101915050999850505050505050505056fea264697066735822122066394346f5985a9cbf4c0b12feb16d32554bf80d5fc4cd186125c3da2ac55b8b64736f6c63430008250033",
}

// Oracle is an auto generated Go binding around an Ethereum contract.
type Oracle struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Oracle) GetABI() abi.ABI {
	return c.abi
}

// NewOracle creates a new instance of Oracle.
func NewOracle() *Oracle {
	parsed, err := OracleMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Oracle{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Oracle) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address linkToken) returns()
func (oracle *Oracle) PackConstructor(linkToken common.Address) []byte {
	enc, err := oracle.abi.Pack("", linkToken)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackEXPIRYTIME is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4b602282.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function EXPIRY_TIME() view returns(uint256)
func (oracle *Oracle) PackEXPIRYTIME() []byte {
	enc, err := oracle.abi.Pack("EXPIRY_TIME")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEXPIRYTIME is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4b602282.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function EXPIRY_TIME() view returns(uint256)
func (oracle *Oracle) TryPackEXPIRYTIME() ([]byte, error) {
	return oracle.abi.Pack("EXPIRY_TIME")
}

// UnpackEXPIRYTIME is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4b602282.
//
// Solidity: function EXPIRY_TIME() view returns(uint256)
func (oracle *Oracle) UnpackEXPIRYTIME(data []byte) (*big.Int, error) {
	out, err := oracle.abi.Unpack("EXPIRY_TIME", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackCancelOracleRequest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6ee4d553.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function cancelOracleRequest(bytes32 requestId, uint256 payment, bytes4 callbackFunc, uint256 expiration) returns()
func (oracle *Oracle) PackCancelOracleRequest(requestId [32]byte, payment *big.Int, callbackFunc [4]byte, expiration *big.Int) []byte {
	enc, err := oracle.abi.Pack("cancelOracleRequest", requestId, payment, callbackFunc, expiration)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCancelOracleRequest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6ee4d553.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function cancelOracleRequest(bytes32 requestId, uint256 payment, bytes4 callbackFunc, uint256 expiration) returns()
func (oracle *Oracle) TryPackCancelOracleRequest(requestId [32]byte, payment *big.Int, callbackFunc [4]byte, expiration *big.Int) ([]byte, error) {
	return oracle.abi.Pack("cancelOracleRequest", requestId, payment, callbackFunc, expiration)
}

// PackCommitments is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x839df945.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function commitments(bytes32 ) view returns(bytes32)
func (oracle *Oracle) PackCommitments(arg0 [32]byte) []byte {
	enc, err := oracle.abi.Pack("commitments", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCommitments is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x839df945.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function commitments(bytes32 ) view returns(bytes32)
func (oracle *Oracle) TryPackCommitments(arg0 [32]byte) ([]byte, error) {
	return oracle.abi.Pack("commitments", arg0)
}

// UnpackCommitments is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x839df945.
//
// Solidity: function commitments(bytes32 ) view returns(bytes32)
func (oracle *Oracle) UnpackCommitments(data []byte) ([32]byte, error) {
	out, err := oracle.abi.Unpack("commitments", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackFulfillOracleRequest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4ab0d190.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function fulfillOracleRequest(bytes32 requestId, uint256 payment, address callbackAddress, bytes4 callbackFunctionId, uint256 expiration, bytes32 data) returns(bool)
func (oracle *Oracle) PackFulfillOracleRequest(requestId [32]byte, payment *big.Int, callbackAddress common.Address, callbackFunctionId [4]byte, expiration *big.Int, data [32]byte) []byte {
	enc, err := oracle.abi.Pack("fulfillOracleRequest", requestId, payment, callbackAddress, callbackFunctionId, expiration, data)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackFulfillOracleRequest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4ab0d190.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function fulfillOracleRequest(bytes32 requestId, uint256 payment, address callbackAddress, bytes4 callbackFunctionId, uint256 expiration, bytes32 data) returns(bool)
func (oracle *Oracle) TryPackFulfillOracleRequest(requestId [32]byte, payment *big.Int, callbackAddress common.Address, callbackFunctionId [4]byte, expiration *big.Int, data [32]byte) ([]byte, error) {
	return oracle.abi.Pack("fulfillOracleRequest", requestId, payment, callbackAddress, callbackFunctionId, expiration, data)
}

// UnpackFulfillOracleRequest is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4ab0d190.
//
// Solidity: function fulfillOracleRequest(bytes32 requestId, uint256 payment, address callbackAddress, bytes4 callbackFunctionId, uint256 expiration, bytes32 data) returns(bool)
func (oracle *Oracle) UnpackFulfillOracleRequest(data []byte) (bool, error) {
	out, err := oracle.abi.Unpack("fulfillOracleRequest", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackGetAuthorizationStatus is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd3e9c314.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getAuthorizationStatus(address node) view returns(bool)
func (oracle *Oracle) PackGetAuthorizationStatus(node common.Address) []byte {
	enc, err := oracle.abi.Pack("getAuthorizationStatus", node)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetAuthorizationStatus is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd3e9c314.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getAuthorizationStatus(address node) view returns(bool)
func (oracle *Oracle) TryPackGetAuthorizationStatus(node common.Address) ([]byte, error) {
	return oracle.abi.Pack("getAuthorizationStatus", node)
}

// UnpackGetAuthorizationStatus is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd3e9c314.
//
// Solidity: function getAuthorizationStatus(address node) view returns(bool)
func (oracle *Oracle) UnpackGetAuthorizationStatus(data []byte) (bool, error) {
	out, err := oracle.abi.Unpack("getAuthorizationStatus", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackGetChainlinkToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x165d35e1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getChainlinkToken() view returns(address)
func (oracle *Oracle) PackGetChainlinkToken() []byte {
	enc, err := oracle.abi.Pack("getChainlinkToken")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetChainlinkToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x165d35e1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getChainlinkToken() view returns(address)
func (oracle *Oracle) TryPackGetChainlinkToken() ([]byte, error) {
	return oracle.abi.Pack("getChainlinkToken")
}

// UnpackGetChainlinkToken is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x165d35e1.
//
// Solidity: function getChainlinkToken() view returns(address)
func (oracle *Oracle) UnpackGetChainlinkToken(data []byte) (common.Address, error) {
	out, err := oracle.abi.Unpack("getChainlinkToken", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackOnTokenTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa4c0ed36.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function onTokenTransfer(address sender, uint256 amount, bytes data) returns()
func (oracle *Oracle) PackOnTokenTransfer(sender common.Address, amount *big.Int, data []byte) []byte {
	enc, err := oracle.abi.Pack("onTokenTransfer", sender, amount, data)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOnTokenTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa4c0ed36.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function onTokenTransfer(address sender, uint256 amount, bytes data) returns()
func (oracle *Oracle) TryPackOnTokenTransfer(sender common.Address, amount *big.Int, data []byte) ([]byte, error) {
	return oracle.abi.Pack("onTokenTransfer", sender, amount, data)
}

// PackOracleRequest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40429946.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function oracleRequest(address sender, uint256 payment, bytes32 specId, address callbackAddress, bytes4 callbackFunctionId, uint256 nonce, uint256 dataVersion, bytes data) returns()
func (oracle *Oracle) PackOracleRequest(sender common.Address, payment *big.Int, specId [32]byte, callbackAddress common.Address, callbackFunctionId [4]byte, nonce *big.Int, dataVersion *big.Int, data []byte) []byte {
	enc, err := oracle.abi.Pack("oracleRequest", sender, payment, specId, callbackAddress, callbackFunctionId, nonce, dataVersion, data)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOracleRequest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40429946.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function oracleRequest(address sender, uint256 payment, bytes32 specId, address callbackAddress, bytes4 callbackFunctionId, uint256 nonce, uint256 dataVersion, bytes data) returns()
func (oracle *Oracle) TryPackOracleRequest(sender common.Address, payment *big.Int, specId [32]byte, callbackAddress common.Address, callbackFunctionId [4]byte, nonce *big.Int, dataVersion *big.Int, data []byte) ([]byte, error) {
	return oracle.abi.Pack("oracleRequest", sender, payment, specId, callbackAddress, callbackFunctionId, nonce, dataVersion, data)
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (oracle *Oracle) PackOwner() []byte {
	enc, err := oracle.abi.Pack("owner")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owner() view returns(address)
func (oracle *Oracle) TryPackOwner() ([]byte, error) {
	return oracle.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (oracle *Oracle) UnpackOwner(data []byte) (common.Address, error) {
	out, err := oracle.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackSetFulfillmentPermission is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7fcd56db.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setFulfillmentPermission(address node, bool allowed) returns()
func (oracle *Oracle) PackSetFulfillmentPermission(node common.Address, allowed bool) []byte {
	enc, err := oracle.abi.Pack("setFulfillmentPermission", node, allowed)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetFulfillmentPermission is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7fcd56db.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setFulfillmentPermission(address node, bool allowed) returns()
func (oracle *Oracle) TryPackSetFulfillmentPermission(node common.Address, allowed bool) ([]byte, error) {
	return oracle.abi.Pack("setFulfillmentPermission", node, allowed)
}

// PackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (oracle *Oracle) PackTransferOwnership(newOwner common.Address) []byte {
	enc, err := oracle.abi.Pack("transferOwnership", newOwner)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferOwnership is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2fde38b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferOwnership(address newOwner) returns()
func (oracle *Oracle) TryPackTransferOwnership(newOwner common.Address) ([]byte, error) {
	return oracle.abi.Pack("transferOwnership", newOwner)
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf3fef3a3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw(address recipient, uint256 amount) returns()
func (oracle *Oracle) PackWithdraw(recipient common.Address, amount *big.Int) []byte {
	enc, err := oracle.abi.Pack("withdraw", recipient, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf3fef3a3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw(address recipient, uint256 amount) returns()
func (oracle *Oracle) TryPackWithdraw(recipient common.Address, amount *big.Int) ([]byte, error) {
	return oracle.abi.Pack("withdraw", recipient, amount)
}

// PackWithdrawable is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x50188301.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawable() view returns(uint256)
func (oracle *Oracle) PackWithdrawable() []byte {
	enc, err := oracle.abi.Pack("withdrawable")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawable is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x50188301.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawable() view returns(uint256)
func (oracle *Oracle) TryPackWithdrawable() ([]byte, error) {
	return oracle.abi.Pack("withdrawable")
}

// UnpackWithdrawable is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x50188301.
//
// Solidity: function withdrawable() view returns(uint256)
func (oracle *Oracle) UnpackWithdrawable(data []byte) (*big.Int, error) {
	out, err := oracle.abi.Unpack("withdrawable", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// OracleCancelOracleRequest represents a CancelOracleRequest event raised by the Oracle contract.
type OracleCancelOracleRequest struct {
	RequestId [32]byte
	Raw       *types.Log // Blockchain specific contextual infos
}

const OracleCancelOracleRequestEventName = "CancelOracleRequest"

// ContractEventName returns the user-defined event name.
func (OracleCancelOracleRequest) ContractEventName() string {
	return OracleCancelOracleRequestEventName
}

// UnpackCancelOracleRequestEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event CancelOracleRequest(bytes32 indexed requestId)
func (oracle *Oracle) UnpackCancelOracleRequestEvent(log *types.Log) (*OracleCancelOracleRequest, error) {
	event := "CancelOracleRequest"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != oracle.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(OracleCancelOracleRequest)
	if len(log.Data) > 0 {
		if err := oracle.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range oracle.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// OracleOracleRequest represents a OracleRequest event raised by the Oracle contract.
type OracleOracleRequest struct {
	SpecId             [32]byte
	Requester          common.Address
	RequestId          [32]byte
	Payment            *big.Int
	CallbackAddr       common.Address
	CallbackFunctionId [4]byte
	CancelExpiration   *big.Int
	DataVersion        *big.Int
	Data               []byte
	Raw                *types.Log // Blockchain specific contextual infos
}

const OracleOracleRequestEventName = "OracleRequest"

// ContractEventName returns the user-defined event name.
func (OracleOracleRequest) ContractEventName() string {
	return OracleOracleRequestEventName
}

// UnpackOracleRequestEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event OracleRequest(bytes32 indexed specId, address requester, bytes32 requestId, uint256 payment, address callbackAddr, bytes4 callbackFunctionId, uint256 cancelExpiration, uint256 dataVersion, bytes data)
func (oracle *Oracle) UnpackOracleRequestEvent(log *types.Log) (*OracleOracleRequest, error) {
	event := "OracleRequest"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != oracle.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(OracleOracleRequest)
	if len(log.Data) > 0 {
		if err := oracle.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range oracle.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// OracleOwnershipTransferred represents a OwnershipTransferred event raised by the Oracle contract.
type OracleOwnershipTransferred struct {
	PreviousOwner common.Address
	NewOwner      common.Address
	Raw           *types.Log // Blockchain specific contextual infos
}

const OracleOwnershipTransferredEventName = "OwnershipTransferred"

// ContractEventName returns the user-defined event name.
func (OracleOwnershipTransferred) ContractEventName() string {
	return OracleOwnershipTransferredEventName
}

// UnpackOwnershipTransferredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)
func (oracle *Oracle) UnpackOwnershipTransferredEvent(log *types.Log) (*OracleOwnershipTransferred, error) {
	event := "OwnershipTransferred"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != oracle.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(OracleOwnershipTransferred)
	if len(log.Data) > 0 {
		if err := oracle.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range oracle.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}
