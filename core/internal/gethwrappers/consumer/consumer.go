// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package consumer

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

// ExampleConsumerMetaData contains all meta data concerning the ExampleConsumer contract.
var ExampleConsumerMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"address\",\"name\":\"link\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"oracle\",\"type\":\"address\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"}],\"name\":\"ChainlinkCancelled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"}],\"name\":\"ChainlinkFulfilled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"id\",\"type\":\"bytes32\"}],\"name\":\"ChainlinkRequested\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"requestId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"price\",\"type\":\"uint256\"}],\"name\":\"PriceFulfilled\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"requestId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"payment\",\"type\":\"uint256\"},{\"internalType\":\"bytes4\",\"name\":\"callbackFunctionId\",\"type\":\"bytes4\"},{\"internalType\":\"uint256\",\"name\":\"expiration\",\"type\":\"uint256\"}],\"name\":\"cancelRequest\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"currentPrice\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"requestId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"price\",\"type\":\"uint256\"}],\"name\":\"fulfill\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"fulfilledCount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"requestId\",\"type\":\"bytes32\"}],\"name\":\"isPending\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"specId\",\"type\":\"bytes32\"},{\"internalType\":\"string\",\"name\":\"url\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"path\",\"type\":\"string\"},{\"internalType\":\"int256\",\"name\":\"times\",\"type\":\"int256\"},{\"internalType\":\"uint256\",\"name\":\"payment\",\"type\":\"uint256\"}],\"name\":\"requestPrice\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"requestId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"withdrawLink\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "ExampleConsumer",
	Bin: "0x608060405260016002553480156013575f5ffd5b50604051610fe5380380610fe58339810160408190526030916097565b5f80546001600160a01b0319166001600160a01b038416179055600180546001600160a01b0319166001600160a01b0383161790555050600480546001600160a01b0319163317905560c3565b80516001600160a01b03811681146092575f5ffd5b919050565b5f5f6040838503121560a7575f5ffd5b60ae83607d565b915060ba60208401607d565b90509250929050565b610f15806100d05f395ff3fe608060405234801561000f575f5ffd5b5060043610610085575f3560e01c80639d1b464a116100585780639d1b464a146100f7578063c5c28fd114610100578063e531d8c714610109578063ec65d0f81461012c575f5ffd5b80634357855e146100895780638a1acf301461009e5780638da5cb5b146100c45780638dc654a2146100ef575b5f5ffd5b61009c610097366004610bc3565b61013f565b005b6100b16100ac366004610c28565b610264565b6040519081526020015b60405180910390f35b6004546100d7906001600160a01b031681565b6040516001600160a01b0390911681526020016100bb565b61009c610376565b6100b160055481565b6100b160065481565b61011c610117366004610caf565b6104ee565b60405190151581526020016100bb565b61009c61013a366004610cc6565b61050e565b5f8281526003602052604090205482906001600160a01b031633146101ca5760405162461bcd60e51b815260206004820152603660248201527f507974686961436c69656e743a20736f75726365206d75737420626520746865604482015275081bdc9858db19481bd9881d1a19481c995c5d595cdd60521b60648201526084015b60405180910390fd5b5f8181526003602052604080822080546001600160a01b03191690555182917f7cc135e0cebb02c3480ae5d74d377283180a2601f8f644edf7987b009316c63a91a281600581905550600160065f8282546102259190610d22565b909155505060405182815283907fd30457ce72c68923b18977788033d4e9299a722ef7f56c138be0b6a01985af049060200160405180910390a2505050565b5f8061027889306321abc2af60e11b61054a565b90506102d86040518060400160405280600381526020016219d95d60ea1b81525089898080601f0160208091040260200160405190810160405280939291908181526020018383808284375f920191909152508694939250506105669050565b610337604051806040016040528060048152602001630e0c2e8d60e31b81525087878080601f0160208091040260200160405190810160405280939291908181526020018383808284375f920191909152508694939250506105669050565b60408051808201909152600581526474696d657360d81b602082015261035f90829086610589565b61036981846105a7565b9998505050505050505050565b6004546001600160a01b031633146103a05760405162461bcd60e51b81526004016101c190610d35565b5f80546001600160a01b0316600480546040516370a0823160e01b815230928101929092529192506001600160a01b038084169263a9059cbb9291169083906370a0823190602401602060405180830381865afa158015610403573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906104279190610d7d565b6040516001600160e01b031960e085901b1681526001600160a01b03909216600483015260248201526044016020604051808303815f875af115801561046f573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906104939190610d94565b6104eb5760405162461bcd60e51b815260206004820152602360248201527f4578616d706c65436f6e73756d65723a20756e61626c6520746f207472616e736044820152623332b960e91b60648201526084016101c1565b50565b5f818152600360205260408120546001600160a01b031615155b92915050565b6004546001600160a01b031633146105385760405162461bcd60e51b81526004016101c190610d35565b610544848484846105c7565b50505050565b610552610b72565b61055e818585856106f3565b949350505050565b6080830151610575908361071f565b6080830151610584908261071f565b505050565b6080830151610598908361071f565b6080830151610584908261073a565b6001545f906105c0906001600160a01b03168484610781565b9392505050565b5f848152600360205260409020546001600160a01b0316806106375760405162461bcd60e51b8152602060048201526024808201527f507974686961436c69656e743a2072657175657374206973206e6f742070656e60448201526364696e6760e01b60648201526084016101c1565b5f8581526003602052604080822080546001600160a01b03191690555186917fe1fe3afa0f7f761ff0a8b89086790efd5140d2907ebd5b7ff6bfcb5e075fd4c591a2604051636ee4d55360e01b815260048101869052602481018590526001600160e01b031984166044820152606481018390526001600160a01b03821690636ee4d553906084015f604051808303815f87803b1580156106d6575f5ffd5b505af11580156106e8573d5f5f3e3d5ffd5b505050505050505050565b6106fb610b72565b509183526001600160a01b031660208301526001600160e01b031916604082015290565b61072c826003835161096b565b6107368282610adf565b5050565b5f811261074b576107368282610b09565b5f610757825f19610db3565b905067ffffffffffffffff8111156107755761058483600383610b30565b6105848360018361096b565b600280545f918291908261079483610dd9565b9091555060608581018290526040513090911b6bffffffffffffffffffffffff191660208201526034810182905290915060540160408051808303601f1901815282825280516020918201205f818152600390925291812080546001600160a01b0319166001600160a01b038a1617905590935083917fb5e6e01e79f91267dc17b4e6314d5d4d03593d2ceee0fbb452b750bd70ea5af99190a28351602085015160408087015160808801515191515f9461085f948694859492939192918991600191602401610e1f565b60408051601f198184030181529181526020820180516001600160e01b03166320214ca360e11b1790525f549051630200057560e51b81529192506001600160a01b031690634000aea0906108bc90899088908690600401610e85565b6020604051808303815f875af11580156108d8573d5f5f3e3d5ffd5b505050506040513d601f19601f820116820180604052508101906108fc9190610d94565b6109625760405162461bcd60e51b815260206004820152603160248201527f507974686961436c69656e743a20756e61626c6520746f207472616e73666572604482015270416e6443616c6c20746f206f7261636c6560781b60648201526084016101c1565b50509392505050565b611fe0600583901b16601767ffffffffffffffff8316116109c1576040516001600160f81b031982841760f81b1660208201526109bc9085906021015b604051602081830303815290604052610adf565b610544565b60ff67ffffffffffffffff831611610a06576040516001600160f81b03196018831760f890811b8216602084015284901b1660218201526109bc9085906022016109a8565b61ffff67ffffffffffffffff831611610a54576040516001600160f81b03196019831760f81b1660208201526001600160f01b031960f084901b1660218201526109bc9085906023016109a8565b63ffffffff67ffffffffffffffff831611610aa4576040516001600160f81b0319601a831760f81b1660208201526001600160e01b031960e084901b1660218201526109bc9085906025016109a8565b6040516001600160f81b0319601b831760f81b1660208201526001600160c01b031960c084901b1660218201526105449085906029016109a8565b8151604051610af391908390602001610ecb565b60408051601f1981840301815291905290915250565b67ffffffffffffffff811115610b255761073682600283610b30565b610736825f8361096b565b610b3f8360068460ff1661096b565b6105848382604051602001610b5691815260200190565b60405160208183030381529060405261072c826002835161096b565b6040518060a001604052805f81526020015f6001600160a01b031681526020015f6001600160e01b03191681526020015f8152602001610bbe6040518060200160405280606081525090565b905290565b5f5f60408385031215610bd4575f5ffd5b50508035926020909101359150565b5f5f83601f840112610bf3575f5ffd5b50813567ffffffffffffffff811115610c0a575f5ffd5b602083019150836020828501011115610c21575f5ffd5b9250929050565b5f5f5f5f5f5f5f60a0888a031215610c3e575f5ffd5b87359650602088013567ffffffffffffffff811115610c5b575f5ffd5b610c678a828b01610be3565b909750955050604088013567ffffffffffffffff811115610c86575f5ffd5b610c928a828b01610be3565b989b979a5095989597966060870135966080013595509350505050565b5f60208284031215610cbf575f5ffd5b5035919050565b5f5f5f5f60808587031215610cd9575f5ffd5b843593506020850135925060408501356001600160e01b031981168114610cfe575f5ffd5b9396929550929360600135925050565b634e487b7160e01b5f52601160045260245ffd5b8082018082111561050857610508610d0e565b60208082526028908201527f4578616d706c65436f6e73756d65723a2063616c6c6572206973206e6f74207460408201526734329037bbb732b960c11b606082015260800190565b5f60208284031215610d8d575f5ffd5b5051919050565b5f60208284031215610da4575f5ffd5b815180151581146105c0575f5ffd5b8181035f831280158383131683831282161715610dd257610dd2610d0e565b5092915050565b5f60018201610dea57610dea610d0e565b5060010190565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b6001600160a01b0389811682526020820189905260408201889052861660608201526001600160e01b03198516608082015260a0810184905260c0810183905261010060e082018190525f90610e7790830184610df1565b9a9950505050505050505050565b60018060a01b0384168152826020820152606060408201525f610eab6060830184610df1565b95945050505050565b5f81518060208401855e5f93019283525090919050565b5f61055e610ed98386610eb4565b84610eb456fea26469706673582212205833ce9b7942ad95d308a92b2f1c9452d8c6ac93883cc76fda6ac6dfdd1d89b364736f6c63430008250033",
}

// ExampleConsumer is an auto generated Go binding around an Ethereum contract.
type ExampleConsumer struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *ExampleConsumer) GetABI() abi.ABI {
	return c.abi
}

// NewExampleConsumer creates a new instance of ExampleConsumer.
func NewExampleConsumer() *ExampleConsumer {
	parsed, err := ExampleConsumerMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &ExampleConsumer{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *ExampleConsumer) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address link, address oracle) returns()
func (exampleConsumer *ExampleConsumer) PackConstructor(link common.Address, oracle common.Address) []byte {
	enc, err := exampleConsumer.abi.Pack("", link, oracle)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackCancelRequest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xec65d0f8.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function cancelRequest(bytes32 requestId, uint256 payment, bytes4 callbackFunctionId, uint256 expiration) returns()
func (exampleConsumer *ExampleConsumer) PackCancelRequest(requestId [32]byte, payment *big.Int, callbackFunctionId [4]byte, expiration *big.Int) []byte {
	enc, err := exampleConsumer.abi.Pack("cancelRequest", requestId, payment, callbackFunctionId, expiration)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCancelRequest is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xec65d0f8.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function cancelRequest(bytes32 requestId, uint256 payment, bytes4 callbackFunctionId, uint256 expiration) returns()
func (exampleConsumer *ExampleConsumer) TryPackCancelRequest(requestId [32]byte, payment *big.Int, callbackFunctionId [4]byte, expiration *big.Int) ([]byte, error) {
	return exampleConsumer.abi.Pack("cancelRequest", requestId, payment, callbackFunctionId, expiration)
}

// PackCurrentPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9d1b464a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function currentPrice() view returns(uint256)
func (exampleConsumer *ExampleConsumer) PackCurrentPrice() []byte {
	enc, err := exampleConsumer.abi.Pack("currentPrice")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCurrentPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9d1b464a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function currentPrice() view returns(uint256)
func (exampleConsumer *ExampleConsumer) TryPackCurrentPrice() ([]byte, error) {
	return exampleConsumer.abi.Pack("currentPrice")
}

// UnpackCurrentPrice is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x9d1b464a.
//
// Solidity: function currentPrice() view returns(uint256)
func (exampleConsumer *ExampleConsumer) UnpackCurrentPrice(data []byte) (*big.Int, error) {
	out, err := exampleConsumer.abi.Unpack("currentPrice", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackFulfill is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4357855e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function fulfill(bytes32 requestId, uint256 price) returns()
func (exampleConsumer *ExampleConsumer) PackFulfill(requestId [32]byte, price *big.Int) []byte {
	enc, err := exampleConsumer.abi.Pack("fulfill", requestId, price)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackFulfill is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4357855e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function fulfill(bytes32 requestId, uint256 price) returns()
func (exampleConsumer *ExampleConsumer) TryPackFulfill(requestId [32]byte, price *big.Int) ([]byte, error) {
	return exampleConsumer.abi.Pack("fulfill", requestId, price)
}

// PackFulfilledCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc5c28fd1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function fulfilledCount() view returns(uint256)
func (exampleConsumer *ExampleConsumer) PackFulfilledCount() []byte {
	enc, err := exampleConsumer.abi.Pack("fulfilledCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackFulfilledCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc5c28fd1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function fulfilledCount() view returns(uint256)
func (exampleConsumer *ExampleConsumer) TryPackFulfilledCount() ([]byte, error) {
	return exampleConsumer.abi.Pack("fulfilledCount")
}

// UnpackFulfilledCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc5c28fd1.
//
// Solidity: function fulfilledCount() view returns(uint256)
func (exampleConsumer *ExampleConsumer) UnpackFulfilledCount(data []byte) (*big.Int, error) {
	out, err := exampleConsumer.abi.Unpack("fulfilledCount", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackIsPending is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe531d8c7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isPending(bytes32 requestId) view returns(bool)
func (exampleConsumer *ExampleConsumer) PackIsPending(requestId [32]byte) []byte {
	enc, err := exampleConsumer.abi.Pack("isPending", requestId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsPending is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe531d8c7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isPending(bytes32 requestId) view returns(bool)
func (exampleConsumer *ExampleConsumer) TryPackIsPending(requestId [32]byte) ([]byte, error) {
	return exampleConsumer.abi.Pack("isPending", requestId)
}

// UnpackIsPending is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe531d8c7.
//
// Solidity: function isPending(bytes32 requestId) view returns(bool)
func (exampleConsumer *ExampleConsumer) UnpackIsPending(data []byte) (bool, error) {
	out, err := exampleConsumer.abi.Unpack("isPending", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackOwner is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8da5cb5b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owner() view returns(address)
func (exampleConsumer *ExampleConsumer) PackOwner() []byte {
	enc, err := exampleConsumer.abi.Pack("owner")
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
func (exampleConsumer *ExampleConsumer) TryPackOwner() ([]byte, error) {
	return exampleConsumer.abi.Pack("owner")
}

// UnpackOwner is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (exampleConsumer *ExampleConsumer) UnpackOwner(data []byte) (common.Address, error) {
	out, err := exampleConsumer.abi.Unpack("owner", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackRequestPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8a1acf30.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function requestPrice(bytes32 specId, string url, string path, int256 times, uint256 payment) returns(bytes32 requestId)
func (exampleConsumer *ExampleConsumer) PackRequestPrice(specId [32]byte, url string, path string, times *big.Int, payment *big.Int) []byte {
	enc, err := exampleConsumer.abi.Pack("requestPrice", specId, url, path, times, payment)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRequestPrice is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8a1acf30.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function requestPrice(bytes32 specId, string url, string path, int256 times, uint256 payment) returns(bytes32 requestId)
func (exampleConsumer *ExampleConsumer) TryPackRequestPrice(specId [32]byte, url string, path string, times *big.Int, payment *big.Int) ([]byte, error) {
	return exampleConsumer.abi.Pack("requestPrice", specId, url, path, times, payment)
}

// UnpackRequestPrice is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8a1acf30.
//
// Solidity: function requestPrice(bytes32 specId, string url, string path, int256 times, uint256 payment) returns(bytes32 requestId)
func (exampleConsumer *ExampleConsumer) UnpackRequestPrice(data []byte) ([32]byte, error) {
	out, err := exampleConsumer.abi.Unpack("requestPrice", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackWithdrawLink is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8dc654a2.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdrawLink() returns()
func (exampleConsumer *ExampleConsumer) PackWithdrawLink() []byte {
	enc, err := exampleConsumer.abi.Pack("withdrawLink")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdrawLink is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8dc654a2.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdrawLink() returns()
func (exampleConsumer *ExampleConsumer) TryPackWithdrawLink() ([]byte, error) {
	return exampleConsumer.abi.Pack("withdrawLink")
}

// ExampleConsumerChainlinkCancelled represents a ChainlinkCancelled event raised by the ExampleConsumer contract.
type ExampleConsumerChainlinkCancelled struct {
	Id  [32]byte
	Raw *types.Log // Blockchain specific contextual infos
}

const ExampleConsumerChainlinkCancelledEventName = "ChainlinkCancelled"

// ContractEventName returns the user-defined event name.
func (ExampleConsumerChainlinkCancelled) ContractEventName() string {
	return ExampleConsumerChainlinkCancelledEventName
}

// UnpackChainlinkCancelledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ChainlinkCancelled(bytes32 indexed id)
func (exampleConsumer *ExampleConsumer) UnpackChainlinkCancelledEvent(log *types.Log) (*ExampleConsumerChainlinkCancelled, error) {
	event := "ChainlinkCancelled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != exampleConsumer.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ExampleConsumerChainlinkCancelled)
	if len(log.Data) > 0 {
		if err := exampleConsumer.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range exampleConsumer.abi.Events[event].Inputs {
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

// ExampleConsumerChainlinkFulfilled represents a ChainlinkFulfilled event raised by the ExampleConsumer contract.
type ExampleConsumerChainlinkFulfilled struct {
	Id  [32]byte
	Raw *types.Log // Blockchain specific contextual infos
}

const ExampleConsumerChainlinkFulfilledEventName = "ChainlinkFulfilled"

// ContractEventName returns the user-defined event name.
func (ExampleConsumerChainlinkFulfilled) ContractEventName() string {
	return ExampleConsumerChainlinkFulfilledEventName
}

// UnpackChainlinkFulfilledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ChainlinkFulfilled(bytes32 indexed id)
func (exampleConsumer *ExampleConsumer) UnpackChainlinkFulfilledEvent(log *types.Log) (*ExampleConsumerChainlinkFulfilled, error) {
	event := "ChainlinkFulfilled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != exampleConsumer.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ExampleConsumerChainlinkFulfilled)
	if len(log.Data) > 0 {
		if err := exampleConsumer.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range exampleConsumer.abi.Events[event].Inputs {
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

// ExampleConsumerChainlinkRequested represents a ChainlinkRequested event raised by the ExampleConsumer contract.
type ExampleConsumerChainlinkRequested struct {
	Id  [32]byte
	Raw *types.Log // Blockchain specific contextual infos
}

const ExampleConsumerChainlinkRequestedEventName = "ChainlinkRequested"

// ContractEventName returns the user-defined event name.
func (ExampleConsumerChainlinkRequested) ContractEventName() string {
	return ExampleConsumerChainlinkRequestedEventName
}

// UnpackChainlinkRequestedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ChainlinkRequested(bytes32 indexed id)
func (exampleConsumer *ExampleConsumer) UnpackChainlinkRequestedEvent(log *types.Log) (*ExampleConsumerChainlinkRequested, error) {
	event := "ChainlinkRequested"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != exampleConsumer.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ExampleConsumerChainlinkRequested)
	if len(log.Data) > 0 {
		if err := exampleConsumer.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range exampleConsumer.abi.Events[event].Inputs {
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

// ExampleConsumerPriceFulfilled represents a PriceFulfilled event raised by the ExampleConsumer contract.
type ExampleConsumerPriceFulfilled struct {
	RequestId [32]byte
	Price     *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const ExampleConsumerPriceFulfilledEventName = "PriceFulfilled"

// ContractEventName returns the user-defined event name.
func (ExampleConsumerPriceFulfilled) ContractEventName() string {
	return ExampleConsumerPriceFulfilledEventName
}

// UnpackPriceFulfilledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PriceFulfilled(bytes32 indexed requestId, uint256 price)
func (exampleConsumer *ExampleConsumer) UnpackPriceFulfilledEvent(log *types.Log) (*ExampleConsumerPriceFulfilled, error) {
	event := "PriceFulfilled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != exampleConsumer.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(ExampleConsumerPriceFulfilled)
	if len(log.Data) > 0 {
		if err := exampleConsumer.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range exampleConsumer.abi.Events[event].Inputs {
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
